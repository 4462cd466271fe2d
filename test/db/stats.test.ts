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
