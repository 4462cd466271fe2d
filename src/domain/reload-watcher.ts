/**
 * Ops scripts (reset, warm-start, copy, import) write to the same SQLite file from another process. SQLite's
 * `PRAGMA data_version` changes exactly when another connection commits, so polling it is a cheap, reliable
 * "something changed" signal: the engine then reloads catalog, schema and models — within one interval.
 */
import { periodic } from '../periodic.js';
import { dataVersion, type Db } from '../../db/open.js';
import type { EngineState } from './engine-state.js';

export interface ReloadWatcher {
  /** Reloads when another connection committed since the last check; returns whether it did. */
  check(): boolean;
  start(): void;
  stop(): void;
}

export function createReloadWatcher(deps: {
  db: Db;
  state: EngineState;
  intervalMs: number;
  onReload: () => void;
  onError: (error: unknown) => void;
}): ReloadWatcher {
  let seen = dataVersion(deps.db);
  const check = (): boolean => {
    const current = dataVersion(deps.db);
    if (current === seen) return false;
    seen = current;
    deps.state.reload();
    deps.onReload();
    return true;
  };
  return { check, ...periodic(check, deps.intervalMs, deps.onError) };
}
