import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expireDecisions, insertDecisions } from '../../db/stores/decisions.js';
import { insertFeedback } from '../../db/stores/feedback.js';
import { countsByActionAndChannel } from '../../db/stores/stats.js';
import { decision } from './fixtures.js';
import { openTempDb, type TempDb } from './temp-db.js';

let t: TempDb;
beforeEach(() => {
  t = openTempDb();
});
afterEach(() => t.cleanup());

const respond = (decisionId: string, actionId: string, outcome: 'response' | 'ignore') =>
  insertFeedback(t.db, { decisionId, actionId, outcome, reward: null, createdAt: 1, source: 'client' });

describe('countsByActionAndChannel', () => {
  it('is empty on a new database', () => {
    expect(countsByActionAndChannel(t.db)).toEqual([]);
  });

  it('counts decisions per (action, channel) and responses / ignores through the decision’s channel', () => {
    insertDecisions(t.db, [
      decision('d1', 1, ['a', 'b'], { channel: 'app' }),
      decision('d2', 2, ['a'], { channel: 'app' }),
      decision('d3', 3, ['a'], { channel: 'web' }),
      decision('d4', 4, ['b'], { channel: 'web' }),
      decision('d5', 5, [], { channel: 'web' }),
      decision('d6', 600, ['b'], { channel: 'app' }),
    ]);
    respond('d1', 'a', 'response');
    respond('d1', 'b', 'ignore');
    respond('d2', 'a', 'ignore');
    respond('d3', 'a', 'response');
    expireDecisions(t.db, 500, 1_000, 100); // d4's b becomes a timeout ignore; d6 stays pending
    expect(countsByActionAndChannel(t.db)).toEqual([
      { actionId: 'a', channel: 'app', decisions: 2, responses: 1, ignores: 1 },
      { actionId: 'a', channel: 'web', decisions: 1, responses: 1, ignores: 0 },
      { actionId: 'b', channel: 'app', decisions: 2, responses: 0, ignores: 1 },
      { actionId: 'b', channel: 'web', decisions: 1, responses: 0, ignores: 1 },
    ]);
  });
});

describe('migration 0001 backfills the running counts from an existing log', () => {
  it('counts what a 0000-era database already held, then keeps counting', async () => {
    const { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const Database = (await import('better-sqlite3')).default;
    const { drizzle } = await import('drizzle-orm/better-sqlite3');
    const { migrate } = await import('drizzle-orm/better-sqlite3/migrator');
    const { MIGRATIONS_DIR, openDb } = await import('../../db/open.js');
    const dir = mkdtempSync(join(tmpdir(), 'kairos-backfill-'));
    try {
      // A migrations folder that stops at 0000, as a database created before 0001 was migrated.
      const old = join(dir, 'migrations');
      cpSync(MIGRATIONS_DIR, old, { recursive: true });
      const journalFile = join(old, 'meta', '_journal.json');
      const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: unknown[] };
      writeFileSync(journalFile, JSON.stringify({ ...journal, entries: journal.entries.slice(0, 1) }));
      const file = join(dir, 'kairos.db');
      const sqlite = new Database(file);
      migrate(drizzle({ client: sqlite }), { migrationsFolder: old });
      sqlite.exec(`
        INSERT INTO decisions VALUES ('d1', 1, NULL, 'app', 1, x'00', '1', 'closed'), ('d2', 2, NULL, 'web', 1, x'00', '2', 'pending');
        INSERT INTO decision_actions VALUES ('d1', 'a', 0, 0.1, 0.1, 1, 1), ('d1', 'b', 1, 0.1, 0.1, 1, 1), ('d2', 'a', 0, 0.1, 0.1, 1, 1);
        INSERT INTO feedback (decision_id, action_id, outcome, reward, created_at, source)
          VALUES ('d1', 'a', 'response', NULL, 3, 'client'), ('d1', 'b', 'ignore', NULL, 3, 'timeout');`);
      expect(sqlite.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE name = 'action_counts'`).get()).toEqual({ n: 0 });
      sqlite.close();
      const db = openDb(file);
      try {
        expect(countsByActionAndChannel(db)).toEqual([
          { actionId: 'a', channel: 'app', decisions: 1, responses: 1, ignores: 0 },
          { actionId: 'a', channel: 'web', decisions: 1, responses: 0, ignores: 0 },
          { actionId: 'b', channel: 'app', decisions: 1, responses: 0, ignores: 1 },
        ]);
        insertFeedback(db, { decisionId: 'd2', actionId: 'a', outcome: 'ignore', reward: null, createdAt: 4, source: 'client' });
        expect(countsByActionAndChannel(db)[1]).toEqual({ actionId: 'a', channel: 'web', decisions: 1, responses: 0, ignores: 1 });
      } finally {
        db.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('does not count a duplicate outcome twice', () => {
    insertDecisions(t.db, [decision('d1', 1, ['a'])]);
    respond('d1', 'a', 'response');
    respond('d1', 'a', 'response');
    expect(countsByActionAndChannel(t.db)).toEqual([{ actionId: 'a', channel: 'app', decisions: 1, responses: 1, ignores: 0 }]);
  });
});
