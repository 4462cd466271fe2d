import { statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startCheckpointer } from '../../db/checkpointer.js';
import { openDb, type Db } from '../../db/open.js';
import { tempDir } from '../helpers/harness.js';

const count = (db: Db): number => (db.sqlite.prepare('SELECT COUNT(*) AS n FROM blobs').get() as { n: number }).n;

/** A service-like connection (automatic checkpoints off) on a fresh file, with a writer of 4 KB rows. */
function writerOn(file: string, journalSizeLimitBytes?: number): { db: Db; write(rows: number): void } {
  const db = openDb(file, { autoCheckpoint: false, ...(journalSizeLimitBytes !== undefined ? { journalSizeLimitBytes } : {}) });
  db.sqlite.exec('CREATE TABLE blobs (id INTEGER PRIMARY KEY, body BLOB)');
  const insert = db.sqlite.prepare('INSERT INTO blobs (body) VALUES (?)');
  const body = Buffer.alloc(4096, 7);
  return {
    db,
    write: (rows) => db.sqlite.transaction(() => {
      for (let i = 0; i < rows; i++) insert.run(body);
    })(),
  };
}

const MB = 1024 ** 2;

describe('bounded WAL', () => {
  const open: Db[] = [];
  afterEach(() => {
    while (open.length) open.pop()!.close();
  });

  it('a tick restarts a WAL grown past the limit, and the next commit cuts the file to the limit; nothing is lost', async () => {
    const file = join(tempDir(), 'kairos.db');
    const writer = writerOn(file, 4 * MB); // journal_size_limit as the service sets it (KAIROS_WAL_LIMIT)
    open.push(writer.db);
    writer.write(3_000); // ≈ 12 MB of WAL
    expect(statSync(`${file}-wal`).size).toBeGreaterThan(12 * MB);
    const errors: string[] = [];
    // A long interval: only the explicit ticks below run.
    const checkpointer = startCheckpointer(file, { intervalMs: 3_600_000, walLimitBytes: 4 * MB }, (m) => errors.push(m));
    try {
      await checkpointer.tick();
      expect((await checkpointer.stats()).restarts).toBe(1);
      await checkpointer.tick(); // restarted already: nothing to do until the WAL grows again
      expect((await checkpointer.stats()).restarts).toBe(1);
      writer.write(1);
      expect(statSync(`${file}-wal`).size).toBeLessThanOrEqual(4 * MB);
      // Writes go on into the restarted WAL; past the limit again, the next tick restarts it again.
      writer.write(1_500);
      expect(statSync(`${file}-wal`).size).toBeGreaterThan(4 * MB);
      await checkpointer.tick();
      expect((await checkpointer.stats()).restarts).toBe(2);
      writer.write(1);
      expect(statSync(`${file}-wal`).size).toBeLessThanOrEqual(4 * MB);
    } finally {
      await checkpointer.close();
    }
    expect(errors).toEqual([]);
    expect(count(writer.db)).toBe(4_502);
    const reader = openDb(file);
    open.push(reader);
    expect(count(reader)).toBe(4_502);
  });

  it('leaves a WAL under the limit to PASSIVE checkpoints (no restart, no waiting on writers)', async () => {
    const file = join(tempDir(), 'kairos.db');
    const writer = writerOn(file);
    open.push(writer.db);
    writer.write(500); // ≈ 2 MB
    const before = statSync(`${file}-wal`).size;
    const checkpointer = startCheckpointer(file, { intervalMs: 3_600_000, walLimitBytes: 16 * MB }, () => undefined);
    try {
      expect(await checkpointer.tick()).toBe(before);
      expect((await checkpointer.stats()).restarts).toBe(0);
    } finally {
      await checkpointer.close();
    }
    expect(count(writer.db)).toBe(500);
  });

  it('with journal_size_limit, a writer that starts a fully checkpointed WAL over truncates it to the limit', async () => {
    const file = join(tempDir(), 'kairos.db');
    const writer = writerOn(file, 1 * MB);
    open.push(writer.db);
    writer.write(1_000); // ≈ 4 MB
    const checkpointer = startCheckpointer(file, { intervalMs: 3_600_000, walLimitBytes: 64 * MB }, () => undefined);
    try {
      await checkpointer.tick(); // PASSIVE only (under the 64 MB limit): the whole WAL is copied, not truncated
      expect(statSync(`${file}-wal`).size).toBeGreaterThan(4 * MB);
    } finally {
      await checkpointer.close();
    }
    writer.write(1); // restarts the WAL from its beginning and truncates the file to journal_size_limit
    expect(statSync(`${file}-wal`).size).toBeLessThanOrEqual(1 * MB);
    expect(count(writer.db)).toBe(1_001);
  });
});

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
    const checkpointer = startCheckpointer(file, { intervalMs: 20, walLimitBytes: Infinity }, (message) => errors.push(message));
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
