import { statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startCheckpointer } from '../../db/checkpointer.js';
import { openDb, type Db } from '../../db/open.js';
import { tempDir } from '../helpers/harness.js';

describe('background WAL checkpointer', () => {
  let db: Db | undefined;
  afterEach(() => db?.close());

  it('keeps the WAL from growing while the writer never checkpoints, and loses nothing', async () => {
    const file = join(tempDir(), 'kairos.db');
    db = openDb(file, { autoCheckpoint: false });
    db.sqlite.exec('CREATE TABLE blobs (id INTEGER PRIMARY KEY, body BLOB)');
    const insert = db.sqlite.prepare('INSERT INTO blobs (body) VALUES (?)');
    const body = Buffer.alloc(4096, 7);
    const write = (rows: number) => db!.sqlite.transaction(() => {
      for (let i = 0; i < rows; i++) insert.run(body);
    })();

    // Without the checkpointer the WAL only grows: 3,000 pages of rows.
    write(3_000);
    const unbounded = statSync(`${file}-wal`).size;
    expect(unbounded).toBeGreaterThan(3_000 * 4096);

    const errors: string[] = [];
    const checkpointer = startCheckpointer(file, 20, (message) => errors.push(message));
    // Let it checkpoint, then keep writing: the next writer restarts the fully copied WAL from its beginning.
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (let round = 0; round < 5; round++) {
      write(200);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await checkpointer.close();
    expect(errors).toEqual([]);
    // The WAL file is not truncated by PASSIVE checkpoints, but it is reused from the start: it did not grow further.
    expect(statSync(`${file}-wal`).size).toBeLessThanOrEqual(unbounded);
    expect((db.sqlite.prepare('SELECT COUNT(*) AS n FROM blobs').get() as { n: number }).n).toBe(4_000);
    db.close();
    db = undefined;
    expect(existsSync(`${file}-wal`)).toBe(false); // the last connection's close checkpoints and removes the WAL
    const reopened = openDb(file);
    expect((reopened.sqlite.prepare('SELECT COUNT(*) AS n FROM blobs').get() as { n: number }).n).toBe(4_000);
    reopened.close();
  });
});
