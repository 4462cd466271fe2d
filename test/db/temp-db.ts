/** A fresh, migrated SQLite file in its own temp directory, for the store tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb, type Db } from '../../db/open.js';

export interface TempDb {
  db: Db;
  dir: string;
  file: string;
  cleanup(): void;
}

export function openTempDb(): TempDb {
  const dir = mkdtempSync(join(tmpdir(), 'kairos-'));
  const file = join(dir, 'data', 'kairos.db');
  const db = openDb(file);
  return {
    db,
    dir,
    file,
    cleanup() {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
