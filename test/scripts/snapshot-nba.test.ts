/**
 * Snapshots carry the whole next-best-action configuration (format version 2): declared channels, the contact policy
 * and every action's engagement policies. Everything real: the demo bank seeded by a real engine on a SQLite file,
 * the scripts' main() on the files, and the routes read through app.request().
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getCurrentSchema, listActions } from '../../db/stores/catalog.js';
import { createSqliteChannelStore } from '../../db/stores/channels.js';
import { createSqliteContactPolicyStore } from '../../db/stores/contact-policy.js';
import { loadModels } from '../../db/stores/models.js';
import { main as exportMain } from '../../scripts/snapshot-export.js';
import { main as importMain } from '../../scripts/snapshot-import.js';
import { createTestHarness, tempDir, type HarnessOptions, type TestHarness } from '../helpers/harness.js';
import { expectStatus, send } from '../helpers/http.js';
import { captureIo, createFixture, withDb, type Fixture } from './script-fixtures.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const open: TestHarness[] = [];
const fixtures: Fixture[] = [];
afterEach(async () => {
  for (const h of open.splice(0)) await h.close();
  for (const f of fixtures.splice(0)) f.cleanup();
});
async function harness(options: HarnessOptions = {}): Promise<TestHarness> {
  const h = await createTestHarness(options);
  open.push(h);
  return h;
}

async function exportFrom(h: TestHarness, out = join(h.dir, 'snap.json')): Promise<{ file: string; stderr: string }> {
  const io = captureIo();
  expect(await exportMain(['--db', h.config.dbFile, '--out', out], io, {}), io.err()).toBe(0);
  return { file: out, stderr: io.err() };
}

async function importInto(dbFile: string, file: string, ...extra: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = captureIo();
  const code = await importMain(['--db', dbFile, '--in', file, ...extra], io, {});
  return { code, out: io.out(), err: io.err() };
}

const withoutTimes = <T extends Record<string, unknown>>(rows: T[], keys: string[]) =>
  rows.map((row) => Object.fromEntries(Object.entries(row).filter(([k]) => !keys.includes(k))));

/** What a service answers about its configuration, without the times an import sets. */
async function configurationOf(h: TestHarness) {
  const channels = await send(h, 'GET', '/v1/channels');
  const policy = await send(h, 'GET', '/v1/contact-policy');
  const actions = await send(h, 'GET', '/v1/actions');
  const schema = await send(h, 'GET', '/v1/schema');
  for (const reply of [channels, policy, actions, schema]) expectStatus(reply, 200);
  const { version: _v, createdAt: _c, ...schemaBody } = schema.body;
  return {
    channels: withoutTimes(channels.body, ['updatedAt']),
    policy: policy.body,
    // Import creates new actions at one instant, so the list (oldest first, ties by id) is compared in id order.
    actions: withoutTimes(actions.body, ['createdAt', 'updatedAt']).sort((a, b) => String(a.actionId).localeCompare(String(b.actionId))),
    schema: schemaBody,
  };
}

/** A customer the demo's rules exclude from credit (debt counselling) and from a second mortgage. */
const GUARDED_CONTEXT = { age: 44, products: ['mortgage', 'current_account'], debtCounselling: true, incomeBand: 'low' };

/** Reasons that depend on the Thompson draws, whose order follows the catalog's (not kept by an import). */
const SCORING_REASONS = ['below_threshold', 'not_worth_contact', 'outranked'];

/** The exclusions the policies decide (eligibility, channel, schedule, budget…), in action id order. */
async function explainedExclusions(h: TestHarness, channel: string) {
  const reply = await send(h, 'POST', '/v1/decisions', { channel, context: GUARDED_CONTEXT, explain: true, slots: 2 });
  expectStatus(reply, 200);
  return (reply.body.excluded as { actionId: string; reason: string }[])
    .filter((e) => !SCORING_REASONS.includes(e.reason))
    .sort((a, b) => a.actionId.localeCompare(b.actionId));
}

/** Everything an import could change, to prove a refused import changed nothing. */
function dbState(file: string): string {
  return withDb(file, (db) =>
    JSON.stringify({
      schema: getCurrentSchema(db),
      actions: listActions(db),
      channels: createSqliteChannelStore(db).list(),
      policy: createSqliteContactPolicyStore(db).get() ?? null,
      models: loadModels(db).map((m) => ({ ...m, posterior: { ...m.posterior, mean: Array.from(m.posterior.mean) } })),
    }),
  );
}

function rewrite(file: string, fn: (doc: Json) => void, name = 'edited.json'): string {
  const doc = JSON.parse(readFileSync(file, 'utf8'));
  fn(doc);
  const out = join(file, '..', name);
  writeFileSync(out, JSON.stringify(doc));
  return out;
}

/** The file as a version-1 export wrote it: no channels, no contact policy, no engagement fields. */
function asVersion1(doc: Json): void {
  doc.formatVersion = 1;
  delete doc.channels;
  delete doc.contactPolicy;
  for (const a of doc.actions) for (const key of ['eligibility', 'startAt', 'endAt', 'dailyCap', 'mandatory']) delete a[key];
}

const indexOf = (doc: Json, actionId: string): number => doc.actions.findIndex((a: Json) => a.id === actionId);

describe('snapshot of the demo bank', () => {
  it('exports channels, the contact policy and the engagement fields (format version 2)', async () => {
    const src = await harness({ demo: true });
    const { file } = await exportFrom(src);
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    expect(doc.formatVersion).toBe(2);
    expect(doc.channels.map((c: Json) => c.id).sort()).toEqual(['app', 'branch', 'call_center', 'email', 'web']);
    expect(doc.channels.find((c: Json) => c.id === 'email')).toMatchObject({ name: 'E-mail', direction: 'outbound', contactCost: 0.3, limit: { contacts: 1, per: '7d' } });
    expect(doc.contactPolicy.suppression).toHaveLength(2);
    const overdraft = doc.actions[indexOf(doc, 'overdraft-warning')];
    expect(overdraft).toMatchObject({ mandatory: true, eligibility: 'has(customer.overdrawn) && customer.overdrawn', startAt: null, endAt: null, dailyCap: null });
    // Event-fed features and the contact-history option are part of the schema already.
    expect(doc.schema.contactHistory).toEqual({ window: '30d' });
    expect(doc.schema.features.find((f: Json) => f.name === 'lifeEvents')).toMatchObject({ type: 'set', events: { ttl: '90d' } });
  });

  it('round-trips into an empty database under a live engine: same channels, policy, actions, schema and exclusions', async () => {
    const src = await harness({ demo: true });
    // A schedule and a budget on one action, so every engagement field has a non-default value somewhere.
    const fund = (await send(src, 'GET', '/v1/actions/investment-fund-intro')).body;
    expectStatus(
      await send(src, 'PUT', '/v1/actions/investment-fund-intro', {
        name: fund.name,
        category: fund.category,
        value: fund.value,
        channels: fund.channels,
        eligibility: fund.eligibility,
        startAt: '2020-01-01T00:00:00.000Z',
        endAt: '2099-01-01T00:00:00.000Z',
        dailyCap: 500,
      }),
      200,
    );
    const boost = (await send(src, 'GET', '/v1/actions/loyalty-rate-boost')).body;
    expectStatus(
      await send(src, 'PUT', '/v1/actions/loyalty-rate-boost', { name: boost.name, category: boost.category, value: boost.value, channels: boost.channels, startAt: '2090-01-01T00:00:00Z' }),
      200,
    );
    const { file } = await exportFrom(src);

    const dst = await harness();
    expect(await explainedExclusions(dst, 'web')).toEqual([]); // nothing to exclude: no catalog yet
    const result = await importInto(dst.config.dbFile, file);
    expect(result.code, result.err).toBe(0);
    expect(result.out).toContain('5 channel(s), a contact policy of 2 suppression rule(s)');
    // What the service's reload watcher does every KAIROS_RELOAD_INTERVAL, run now instead of waited for.
    expect(dst.engine.reloadWatcher.check()).toBe(true);

    const before = await configurationOf(src);
    const after = await configurationOf(dst);
    expect(after.channels).toEqual(before.channels);
    expect(after.policy).toEqual(before.policy);
    expect(after.actions).toEqual(before.actions);
    expect(after.schema).toEqual(before.schema);
    expect(after.actions.find((a) => a.actionId === 'investment-fund-intro')).toMatchObject({ dailyCap: 500, startAt: '2020-01-01T00:00:00.000Z' });

    const excluded = await explainedExclusions(dst, 'web');
    expect(excluded).toEqual(await explainedExclusions(src, 'web'));
    expect(excluded).toContainEqual({ actionId: 'mortgage-offer', reason: 'eligibility' });
    expect(excluded).toContainEqual({ actionId: 'credit-card-upgrade', reason: 'eligibility' });
    expect(excluded).toContainEqual({ actionId: 'pension-top-up', reason: 'channel' });
    expect(excluded).toContainEqual({ actionId: 'loyalty-rate-boost', reason: 'schedule' });
    // Declared channels came along: an undeclared one is now a 422.
    const fax = await send(dst, 'POST', '/v1/decisions', { channel: 'fax', context: GUARDED_CONTEXT });
    expectStatus(fax, 422);
    expect(fax.body.errors).toEqual([expect.objectContaining({ field: 'channel' })]);
  });

  it('a live engine decides on a channel the import declared, once its reload watcher has run', async () => {
    const src = await harness({ demo: true });
    expectStatus(await send(src, 'PUT', '/v1/channels/sms', { name: 'SMS', direction: 'outbound', contactCost: 0, limit: { contacts: 2, per: '7d' } }), 201);
    expectStatus(await send(src, 'PUT', '/v1/actions/sms-reminder', { name: 'Payment reminder by SMS', category: 'service', value: 1000, channels: ['sms'] }), 201);
    const { file } = await exportFrom(src);

    const dst = await harness({ demo: true });
    expectStatus(await send(dst, 'POST', '/v1/decisions', { channel: 'sms', context: GUARDED_CONTEXT }), 422);
    const result = await importInto(dst.config.dbFile, file, '--yes');
    expect(result.code, result.err).toBe(0);
    // Until the watcher runs, the engine still holds the old channels.
    expectStatus(await send(dst, 'POST', '/v1/decisions', { channel: 'sms', context: GUARDED_CONTEXT }), 422);
    expect(dst.engine.reloadWatcher.check()).toBe(true);
    const reply = await send(dst, 'POST', '/v1/decisions', { channel: 'sms', context: GUARDED_CONTEXT, candidates: ['sms-reminder'] });
    expectStatus(reply, 200);
    expect(reply.body.actions.map((a: Json) => a.actionId)).toEqual(['sms-reminder']);
    expect((await send(dst, 'GET', '/v1/channels/sms')).body).toMatchObject({ name: 'SMS', limit: { contacts: 2, per: '7d' } });
  });
});

describe('a format-version-1 snapshot', () => {
  it('still imports and leaves the channels, the contact policy and the engagement policies as they are', async () => {
    const src = await harness({ demo: true });
    const v1 = rewrite((await exportFrom(src)).file, (doc) => {
      asVersion1(doc);
      doc.actions[indexOf(doc, 'fee-waiver')].name = 'Fee waiver (restored)';
    });

    const dst = await harness({ demo: true });
    const policy = { suppression: [{ after: 1, outcome: 'ignore', within: '7d', scope: 'action', for: '14d' }], thresholds: { propensity: { default: 0.01, channels: { email: 0.05 } } } };
    expectStatus(await send(dst, 'PUT', '/v1/contact-policy', policy), 200);
    const channelsBefore = (await send(dst, 'GET', '/v1/channels')).body;
    const result = await importInto(dst.config.dbFile, v1, '--yes');
    expect(result.code, result.err).toBe(0);
    expect(result.out).toContain("format version 1: no channels or contact policy in the file (the database's are left as they are)");
    expect(dst.engine.reloadWatcher.check()).toBe(true);
    expect((await send(dst, 'GET', '/v1/channels')).body).toEqual(channelsBefore);
    expect((await send(dst, 'GET', '/v1/contact-policy')).body).toEqual(policy);
    const actions = (await send(dst, 'GET', '/v1/actions')).body as Json[];
    expect(actions.find((a) => a.actionId === 'fee-waiver').name).toBe('Fee waiver (restored)');
    expect(actions.find((a) => a.actionId === 'overdraft-warning')).toMatchObject({ mandatory: true, eligibility: 'has(customer.overdrawn) && customer.overdrawn' });
    expect(await explainedExclusions(dst, 'web')).toContainEqual({ actionId: 'mortgage-offer', reason: 'eligibility' });

    // Into an empty database: no channels are declared, and the actions have no engagement policies.
    const empty = await harness();
    const fresh = await importInto(empty.config.dbFile, v1);
    expect(fresh.code, fresh.err).toBe(0);
    empty.engine.reloadWatcher.check();
    expect((await send(empty, 'GET', '/v1/channels')).body).toEqual([]);
    expect((await send(empty, 'GET', '/v1/actions/mortgage-offer')).body).toMatchObject({ eligibility: null, mandatory: false });
  });

  it('applies the engagement fields a version-1 file does give (written by a build that had them but no channels)', async () => {
    const src = await harness({ demo: true });
    const v1 = rewrite((await exportFrom(src)).file, (doc) => {
      const engagement = doc.actions.map((a: Json) => ({ eligibility: a.eligibility, mandatory: a.mandatory }));
      asVersion1(doc);
      doc.actions.forEach((a: Json, i: number) => Object.assign(a, engagement[i]));
      doc.actions[indexOf(doc, 'fee-waiver')].eligibility = "has(customer.tenureYears) && customer.tenureYears > 5";
      doc.actions[indexOf(doc, 'fee-waiver')].dailyCap = 40;
    });
    const dst = await harness({ demo: true });
    const result = await importInto(dst.config.dbFile, v1, '--yes');
    expect(result.code, result.err).toBe(0);
    dst.engine.reloadWatcher.check();
    expect((await send(dst, 'GET', '/v1/actions/fee-waiver')).body).toMatchObject({ eligibility: 'has(customer.tenureYears) && customer.tenureYears > 5', dailyCap: 40, mandatory: false });
    expect((await send(dst, 'GET', '/v1/actions/overdraft-warning')).body).toMatchObject({ mandatory: true });
  });

  it('is refused when an action lists a channel the database does not declare, and changes nothing', async () => {
    const src = await harness({ demo: true });
    const v1 = rewrite((await exportFrom(src)).file, (doc) => {
      asVersion1(doc);
      doc.actions[indexOf(doc, 'fee-waiver')].channels.push('fax');
    });
    const dst = await harness({ demo: true });
    const before = dbState(dst.config.dbFile);
    const result = await importInto(dst.config.dbFile, v1, '--yes');
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/actions\.\d+\.channels\.3: action 'fee-waiver': channel 'fax' is not declared/);
    expect(result.err).toContain('nothing was changed');
    expect(dbState(dst.config.dbFile)).toBe(before);
  });
});

it('refuses a file whose channels leave an action the database keeps on an undeclared channel, and changes nothing', async () => {
  const src = await harness({ demo: true });
  const file = rewrite((await exportFrom(src)).file, (doc) => {
    doc.actions = doc.actions.filter((a: Json) => a.id !== 'pension-top-up');
    doc.models = doc.models.filter((m: Json) => m.actionId !== 'pension-top-up');
    doc.channels = doc.channels.filter((c: Json) => c.id !== 'call_center');
    for (const a of doc.actions) a.channels = a.channels.filter((c: string) => c !== 'call_center');
  });
  const dst = await harness({ demo: true });
  const before = dbState(dst.config.dbFile);
  const result = await importInto(dst.config.dbFile, file, '--yes');
  expect(result.code).toBe(1);
  expect(result.err).toContain("the database's action 'pension-top-up' (not in the snapshot) lists channel 'call_center', which the snapshot does not declare");
  expect(dbState(dst.config.dbFile)).toBe(before);
});

describe('refused snapshots change nothing', () => {
  let dir: string;
  let snap: string;
  beforeAll(async () => {
    const src = await createTestHarness({ demo: true });
    dir = tempDir();
    snap = (await exportFrom(src, join(dir, 'demo.json'))).file;
    await src.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const at = (id: string) => (doc: Json) => indexOf(doc, id);
  it.each<[string, (doc: Json) => void, RegExp | string]>([
    ['a CEL syntax error', (doc) => void (doc.actions[at('mortgage-offer')(doc)].eligibility = 'customer.age >= '), /actions\.\d+\.eligibility: action 'mortgage-offer': line 1, column \d+: syntax error/],
    ['a rule that is not boolean', (doc) => void (doc.actions[at('fraud-awareness')(doc)].eligibility = '1 + 2'), /actions\.\d+\.eligibility: action 'fraud-awareness': line 1, column \d+: must be a boolean expression; this one yields int/],
    ['an undeclared identifier in a rule', (doc) => void (doc.actions[at('fee-waiver')(doc)].eligibility = 'client.age > 3'), /action 'fee-waiver': line 1, column 1: undeclared reference to 'client'/],
    ['an action on an undeclared channel', (doc) => void doc.actions[at('fee-waiver')(doc)].channels.push('fax'), /actions\.\d+\.channels\.3: action 'fee-waiver': channel 'fax' is not declared/],
    ['endAt before startAt', (doc) => Object.assign(doc.actions[0], { startAt: 2_000_000, endAt: 1_000_000 }), /actions\.0\.endAt: action '[^']+': must be after startAt/],
    ['a dailyCap of 0', (doc) => void (doc.actions[0].dailyCap = 0), 'actions.0.dailyCap'],
    ['a startAt that is not Unix ms', (doc) => void (doc.actions[0].startAt = '2026-01-01'), 'actions.0.startAt'],
    ['a version-2 action without mandatory', (doc) => void delete doc.actions[0].mandatory, 'actions.0.mandatory'],
    ['a channel period of 7x', (doc) => void (doc.channels[0].limit.per = '7x'), 'channels.0.limit.per'],
    ['a negative contact cost', (doc) => void (doc.channels[1].contactCost = -1), 'channels.1.contactCost'],
    ['an unknown channel field', (doc) => void (doc.channels[0].colour = 'blue'), 'channels.0.colour: unknown field'],
    ['a bad channel id', (doc) => void (doc.channels[0].id = 'e mail'), 'channels.0.id'],
    ['a duplicate channel', (doc) => void doc.channels.push({ ...doc.channels[0] }), "channels.5.id: duplicate channel 'app'"],
    ['a missing channel list', (doc) => void delete doc.channels, 'channels: must be an array'],
    ['a suppression rule with a bad outcome', (doc) => void (doc.contactPolicy.suppression[0].outcome = 'click'), 'contactPolicy.suppression.0.outcome'],
    ['a suppression window of 0d', (doc) => void (doc.contactPolicy.suppression[1].within = '0d'), 'contactPolicy.suppression.1.within'],
    ['a threshold on an undeclared channel', (doc) => void (doc.contactPolicy.thresholds.propensity.channels = { fax: 0.1 }), "contactPolicy.thresholds.propensity.channels.fax: channel 'fax' is not declared"],
    ['a threshold channel whose channel the file drops', (doc) => {
      doc.contactPolicy.thresholds.priority.channels = { email: 1 };
      doc.channels = doc.channels.filter((c: Json) => c.id !== 'email');
      for (const a of doc.actions) a.channels = a.channels.filter((c: string) => c !== 'email');
    }, 'contactPolicy.thresholds.priority.channels.email'],
  ])('refuses %s, naming the field', async (_name, corrupt, message) => {
    const file = rewrite(snap, corrupt, `bad-${Math.random().toString(36).slice(2)}.json`);
    const dst = createFixture();
    fixtures.push(dst);
    withDb(dst.file, (db) => {
      createSqliteChannelStore(db).upsert({ id: 'app', name: 'App', direction: 'inbound', contactCost: 0, limitContacts: null, limitPer: null }, 1_000);
      createSqliteContactPolicyStore(db).put({ suppression: [], thresholds: { priority: { default: 3 } } }, 1_000);
    });
    const before = dbState(dst.file);
    const result = await importInto(dst.file, file, '--yes');
    expect(result.code).toBe(1);
    if (typeof message === 'string') expect(result.err).toContain(message);
    else expect(result.err).toMatch(message);
    expect(result.err).toContain('nothing was changed');
    expect(dbState(dst.file)).toBe(before);
  });
});
