/**
 * The decision log's overlay for the group-commit window: contact rows and offers of decisions appended but not yet
 * committed are visible to the next decision in this process, and leave the overlay once committed (they are in the
 * contacts table then). A real SQLite writer.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../db/open.js';
import { insertDecisionsIsolated, isLockError } from '../../db/stores/decisions.js';
import { createDecisionLog } from '../../src/domain/decision-log.js';
import { chosen, decision } from '../db/fixtures.js';
import { tempDir } from '../helpers/harness.js';

/** The records below are made at 1–30 ms: UTC day 0. */
const DAY = 0;
const open: Db[] = [];
afterEach(() => {
  while (open.length) open.pop()!.close();
});

function setUp() {
  const db = openDb(join(tempDir(), 'kairos.db'));
  open.push(db);
  const log = createDecisionLog({
    writer: { writeBatch: (records) => insertDecisionsIsolated(db, records), isTransient: isLockError },
    flushMs: 0,
    maxPending: 1_000,
    onError: () => undefined,
  });
  const stored = (customerId: string) =>
    db.sqlite.prepare('SELECT decision_id AS decisionId, action_id AS actionId, channel, category, at, outcome, outcome_at AS outcomeAt FROM contacts WHERE customer_id = ? ORDER BY at, action_id').all(customerId);
  return { log, stored };
}

const offer = (id: string, at: number, customerId: string | null, activated = true) =>
  decision(id, at, [], {
    customerId,
    activated,
    status: 'pending',
    actions: [
      { ...chosen('a', 0), category: 'sales' },
      { ...chosen('b', 1), category: 'risk' },
    ],
  });

describe('decision log overlay', () => {
  it('shows the pending contacts of a customer in the contact-row shape, then the same rows from the table once committed', async () => {
    const { log, stored } = setUp();
    const commits = [log.append(offer('d1', 10, 'alice')), log.append(offer('d2', 20, 'alice')), log.append(offer('d3', 30, 'bob'))];
    expect(log.pendingContacts('alice')).toEqual([
      { decisionId: 'd1', actionId: 'a', channel: 'app', category: 'sales', at: 10, outcome: null, outcomeAt: null },
      { decisionId: 'd1', actionId: 'b', channel: 'app', category: 'risk', at: 10, outcome: null, outcomeAt: null },
      { decisionId: 'd2', actionId: 'a', channel: 'app', category: 'sales', at: 20, outcome: null, outcomeAt: null },
      { decisionId: 'd2', actionId: 'b', channel: 'app', category: 'risk', at: 20, outcome: null, outcomeAt: null },
    ]);
    expect(log.pendingContacts('bob')).toHaveLength(2);
    const pendingAlice = [...log.pendingContacts('alice')];
    expect(stored('alice')).toEqual([]);
    await Promise.all(commits);
    expect(log.pendingContacts('alice')).toEqual([]);
    expect(log.pendingContacts('bob')).toEqual([]);
    expect(stored('alice')).toEqual(pendingAlice); // the overlay and the table agree row for row
  });

  it('counts pending offers per action, deferred and anonymous decisions included, and forgets them once committed', async () => {
    const { log } = setUp();
    const commits = [
      log.append(offer('d1', 1, 'alice')),
      log.append(offer('d2', 2, null)),
      log.append(offer('d3', 3, 'carol', false)),
      log.append(decision('d4', 4, ['a'])),
    ];
    expect(log.pendingOffers('a', DAY)).toBe(4);
    expect(log.pendingOffers('b', DAY)).toBe(3);
    expect(log.pendingOffers('zzz', DAY)).toBe(0);
    // Neither a deferred decision nor one without a customer is a contact.
    expect(log.pendingContacts('carol')).toEqual([]);
    await Promise.all(commits);
    expect(log.pendingOffers('a', DAY)).toBe(0);
  });

  it('a record that failed to write leaves the overlay too (it is no contact)', async () => {
    const { log, stored } = setUp();
    const poisoned = offer('bad', 1, 'alice');
    poisoned.actions[0]!.propensity = Number.NaN;
    const results = await Promise.allSettled([log.append(poisoned)]);
    expect(results[0]!.status).toBe('rejected');
    expect(log.pendingContacts('alice')).toEqual([]);
    expect(log.pendingOffers('a', DAY)).toBe(0);
    expect(stored('alice')).toEqual([]);
  });
});
