/**
 * Finding and opening the database for a script, configured the way the service is (same env names, same
 * validation), so a script and a running service agree on where the data lives and how it is learned.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openDb, type Db } from '../../db/open.js';
import { ConfigError, loadConfig, type Config } from '../../src/config.js';
import { ScriptFailure, UsageError } from './args.js';

/** The service configuration from `env`; a ConfigError becomes a ScriptFailure listing every problem. */
export function scriptConfig(env: Record<string, string | undefined>, cwd: string = process.cwd()): Readonly<Config> {
  try {
    return loadConfig(env, cwd);
  } catch (error) {
    if (error instanceof ConfigError) throw new ScriptFailure(error.message);
    throw error;
  }
}

/**
 * The SQLite file to use: `--db <file>`, else `<--data-dir>/kairos.db`, else the configured default
 * ($KAIROS_DATA_DIR or ./data). Giving both options is a usage error.
 */
export function resolveDbFile(values: { 'data-dir'?: string; db?: string }, config: Pick<Config, 'dbFile'>): string {
  const dataDir = values['data-dir'];
  const dbFile = values.db;
  if (dataDir !== undefined && dbFile !== undefined) throw new UsageError('use either --db or --data-dir, not both');
  if (dbFile !== undefined) {
    if (dbFile.trim() === '') throw new UsageError('--db must name a file');
    return resolve(dbFile);
  }
  if (dataDir !== undefined) {
    if (dataDir.trim() === '') throw new UsageError('--data-dir must name a directory');
    return join(resolve(dataDir), 'kairos.db');
  }
  return config.dbFile;
}

/**
 * Opens (and migrates) the database. With `mustExist`, a missing file is a ScriptFailure rather than a
 * new empty database — resetting or exporting a database that is not there is a typo, not a request.
 */
export function openStore(file: string, options: { mustExist: boolean; synchronous: 'NORMAL' | 'FULL' }): Db {
  if (options.mustExist && !existsSync(file)) {
    throw new ScriptFailure(`no database at ${file} (set --data-dir, --db or KAIROS_DATA_DIR)`);
  }
  return openDb(file, { synchronous: options.synchronous });
}

/** Opens the store, runs `fn`, and always closes it. */
export async function withStore<T>(
  file: string,
  options: { mustExist: boolean; synchronous: 'NORMAL' | 'FULL' },
  fn: (db: Db) => Promise<T> | T,
): Promise<T> {
  const db = openStore(file, options);
  try {
    return await fn(db);
  } finally {
    db.close();
  }
}
