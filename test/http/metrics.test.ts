/**
 * GET /metrics (DESIGN.md §9.3): scraped through app.request and parsed by a strict exposition parser
 * (test/http/metrics-exposition.ts). Every family is there, a decision, an outcome, a timeout, a learner cycle and
 * a refused key move exactly their series, route labels are patterns, and access follows the route table.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { insertFeedback } from '../../db/stores/feedback.js';
import { FAMILIES, MAX_CHANNEL_LABELS, OTHER_LABEL } from '../../src/metrics/families.js';
import { createMetrics, FEEDBACK_ROWS_PER_SCRAPE, LAG_COUNT_LIMIT } from '../../src/metrics/registry.js';
import { createTestHarness, type TestHarness } from '../helpers/harness.js';
import { expectStatus, send } from '../helpers/http.js';
import { SEED_CONTEXT, seedTwoActions } from '../helpers/seed.js';
import { counterValue, parseExposition, sampleValue, type Family } from './metrics-exposition.js';

let h: TestHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

async function scrape(t: TestHarness, headers: Record<string, string> = {}): Promise<Map<string, Family>> {
  const reply = await send(t, 'GET', '/metrics', undefined, headers);
  expectStatus(reply, 200);
  expect(reply.headers.get('content-type'), reply.text.slice(0, 300)).toBe('text/plain; version=0.0.4; charset=utf-8');
  return parseExposition(reply.text);
}

async function decide(t: TestHarness, body: Record<string, unknown> = { channel: 'app', context: SEED_CONTEXT }) {
  const reply = await send(t, 'POST', '/v1/decisions', body);
  expectStatus(reply, 200);
  return reply.body as { decisionId: string; noAction: boolean; noActionReason?: string; actions: { actionId: string }[] };
}

describe('the exposition parser', () => {
  it('accepts a well-formed text and refuses each kind of malformed one', () => {
    const good = [
      '# HELP x_total X.',
      '# TYPE x_total counter',
      'x_total{a="q\\"uote",b="n\\\\"} 3',
      '# TYPE h histogram',
      'h_bucket{le="1"} 1',
      'h_bucket{le="+Inf"} 2',
      'h_sum 2.5',
      'h_count 2',
      '',
    ].join('\n');
    expect(sampleValue(parseExposition(good), 'x_total', { a: 'q"uote', b: 'n\\' })).toBe(3);
    const bad: [string, RegExp][] = [
      ['y 1\n', /no TYPE line/],
      ['# TYPE x counter\n# TYPE x counter\n', /second TYPE/],
      ['# TYPE x counter\nx -1\n', /below 0/],
      ['# TYPE x gauge\nx{a="1"} 1\nx{a="1"} 2\n', /duplicate sample/],
      ['# TYPE x gauge\nx{a=1} 1\n', /not quoted/],
      ['# TYPE x gauge\nx one\n', /not a float/],
      ['# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n', /below/],
      ['# TYPE h histogram\nh_bucket{le="+Inf"} 2\nh_sum 1\nh_count 3\n', /≠ _count/],
      ['# TYPE x gauge\nx 1', /newline/],
    ];
    for (const [text, why] of bad) expect(() => parseExposition(text), text).toThrow(why);
  });
});

describe('GET /metrics', () => {
  it('declares every family of DESIGN.md §9.3, the event-loop delay and the process metrics', async () => {
    h = await seedTwoActions();
    const families = await scrape(h);
    for (const { name } of Object.values(FAMILIES)) expect(families.has(name), name).toBe(true);
    expect(families.get('kairos_http_request_duration_seconds')?.type).toBe('histogram');
    expect(families.get('kairos_learner_cycle_seconds')?.type).toBe('histogram');
    expect(families.get('kairos_decisions_total')?.type).toBe('counter');
    expect(families.get('kairos_learner_lag_outcomes')?.type).toBe('gauge');
    for (const name of ['nodejs_eventloop_lag_seconds', 'nodejs_eventloop_lag_p99_seconds', 'process_cpu_seconds_total', 'process_resident_memory_bytes']) {
      expect(families.has(name), name).toBe(true);
    }
    for (const family of families.values()) expect(family.help, family.name).toBeTruthy();
    // The database size is the file's pages.
    const pages = h.db.sqlite.pragma('page_count', { simple: true }) as number;
    const pageSize = h.db.sqlite.pragma('page_size', { simple: true }) as number;
    expect(sampleValue(families, 'kairos_database_size_bytes')).toBe(pages * pageSize);
    expect(sampleValue(families, 'kairos_database_wal_size_bytes')).toBeGreaterThan(0);
    // One gauge per action.
    expect(families.get('kairos_model_version')!.samples.map((s) => s.labels.action).sort()).toEqual(['a', 'b']);
  });

  it('a decision moves its decision series, its route and its latency by exactly 1', async () => {
    h = await seedTwoActions();
    const before = await scrape(h);
    const decided = { channel: 'app', group: 'policy', outcome: 'offered' };
    const route = { method: 'POST', route: '/v1/decisions' };
    await decide(h);
    const after = await scrape(h);
    expect(counterValue(after, 'kairos_decisions_total', decided) - counterValue(before, 'kairos_decisions_total', decided)).toBe(1);
    expect(counterValue(after, 'kairos_decisions_total', { channel: 'web' })).toBe(0);
    expect(counterValue(after, 'kairos_http_requests_total', { ...route, status: '200' }) - counterValue(before, 'kairos_http_requests_total', { ...route, status: '200' })).toBe(1);
    expect(counterValue(after, 'kairos_http_request_duration_seconds_count', route)).toBe(1);
    expect(counterValue(after, 'kairos_http_request_duration_seconds_bucket', { ...route, le: '+Inf' })).toBe(1);
    // Each scrape is counted under its own route once it has answered.
    expect(counterValue(after, 'kairos_http_requests_total', { method: 'GET', route: '/metrics', status: '200' })).toBe(1);
  });

  it('a decision that offers nothing counts as no_action with its reason', async () => {
    h = await seedTwoActions({ env: { KAIROS_MIN_PRIORITY: '1e9' } });
    const answer = await decide(h, { channel: 'web', context: SEED_CONTEXT });
    expect(answer.noAction).toBe(true);
    const families = await scrape(h);
    expect(sampleValue(families, 'kairos_decisions_total', { channel: 'web', group: 'policy', outcome: 'no_action' })).toBe(1);
    expect(counterValue(families, 'kairos_decisions_total', { outcome: 'offered' })).toBe(0);
    expect(sampleValue(families, 'kairos_decisions_no_action_total', { channel: 'web', reason: answer.noActionReason! })).toBe(1);
  });

  it('an outcome, a timeout, an import and a learner cycle move feedback, lag, applied, cycles and model versions', async () => {
    let now = Date.UTC(2026, 11, 1, 9);
    h = await seedTwoActions({ now: () => now });
    const first = await decide(h);
    const second = await decide(h);
    const third = await decide(h);
    const zero = await scrape(h);
    const feedback = (f: Map<string, Family>, outcome: string, source: string) => sampleValue(f, 'kairos_feedback_total', { outcome, source });

    expectStatus(await send(h, 'POST', `/v1/decisions/${first.decisionId}/feedback`, { outcome: 'response' }), 202);
    const one = await scrape(h);
    expect(feedback(one, 'response', 'client') - feedback(zero, 'response', 'client')).toBe(1);
    expect(feedback(one, 'ignore', 'client')).toBe(feedback(zero, 'ignore', 'client'));
    expect(sampleValue(one, 'kairos_learner_lag_outcomes')).toBe(1);

    // Another writer's rows and the expirer's ignores are counted from the log itself (the expirer closes all three
    // decisions, but only the second has no outcome).
    insertFeedback(h.db, { decisionId: third.decisionId, actionId: third.actions[0]!.actionId, outcome: 'ignore', reward: null, createdAt: now, source: 'import' });
    now += h.config.feedbackWindowMs + 1_000;
    expect(await h.engine.expirer.runOnce()).toBe(3);
    const two = await scrape(h);
    expect(feedback(two, 'ignore', 'timeout') - feedback(one, 'ignore', 'timeout')).toBe(second.actions.length);
    expect(feedback(two, 'ignore', 'import') - feedback(one, 'ignore', 'import')).toBe(1);
    // Counted rows, not the seq difference: the expirer's two ignores that lost to existing outcomes used up seqs.
    const written = 1 + second.actions.length + 1;
    expect(sampleValue(two, 'kairos_learner_lag_outcomes')).toBe(written);

    const actionA = first.actions[0]!.actionId;
    const versionBefore = sampleValue(two, 'kairos_model_version', { action: actionA });
    expect(await h.learner.runOnce()).toBe(written);
    const three = await scrape(h);
    expect(sampleValue(three, 'kairos_learner_lag_outcomes')).toBe(0);
    expect(sampleValue(three, 'kairos_learner_outcomes_applied_total')).toBe(written);
    expect(sampleValue(three, 'kairos_learner_cycle_seconds_count')).toBe(1);
    expect(sampleValue(three, 'kairos_model_version', { action: actionA })).toBe(versionBefore + 1);
    expect(sampleValue(three, 'kairos_model_observations', { action: actionA })).toBeGreaterThan(0);
    // A scrape with nothing new counts nothing again.
    const four = await scrape(h);
    for (const source of ['client', 'timeout', 'import']) {
      for (const outcome of ['response', 'ignore']) expect(feedback(four, outcome, source), `${outcome}/${source}`).toBe(feedback(three, outcome, source));
    }
  });

  it('a bulk import is counted over several scrapes, and a backlog past the count limit reads from the seqs', async () => {
    h = await seedTwoActions();
    const rows = FEEDBACK_ROWS_PER_SCRAPE + 10;
    expect(rows).toBeGreaterThan(LAG_COUNT_LIMIT);
    const insert = h.db.sqlite.prepare("INSERT INTO feedback (decision_id, action_id, outcome, reward, created_at, source) VALUES (?, 'a', 'response', NULL, 0, 'import')");
    h.db.sqlite.transaction(() => {
      for (let i = 0; i < rows; i += 1) insert.run(`imported-${i}`);
    })();
    const imported = (f: Map<string, Family>) => sampleValue(f, 'kairos_feedback_total', { outcome: 'response', source: 'import' });
    const first = await scrape(h);
    expect(imported(first)).toBe(FEEDBACK_ROWS_PER_SCRAPE);
    expect(sampleValue(first, 'kairos_learner_lag_outcomes')).toBe(rows);
    expect(imported(await scrape(h))).toBe(rows);
    expect(imported(await scrape(h))).toBe(rows);
  });

  it('labels routes by their pattern, never by ids, and unknown paths as unmatched', async () => {
    h = await seedTwoActions();
    const { decisionId } = await decide(h);
    expectStatus(await send(h, 'GET', `/v1/decisions/${decisionId}`), 200);
    expectStatus(await send(h, 'GET', '/v1/actions/no-such-action'), 404);
    expectStatus(await send(h, 'GET', '/v1/nothing/here/42'), 404);
    const reply = await send(h, 'GET', '/metrics');
    expect(reply.text).not.toContain(decisionId);
    expect(reply.text).not.toContain('no-such-action');
    expect(reply.text).not.toContain('/v1/nothing');
    const families = parseExposition(reply.text);
    expect(sampleValue(families, 'kairos_http_requests_total', { method: 'GET', route: '/v1/decisions/{decisionId}', status: '200' })).toBe(1);
    expect(sampleValue(families, 'kairos_http_requests_total', { method: 'GET', route: '/v1/actions/{actionId}', status: '404' })).toBe(1);
    expect(sampleValue(families, 'kairos_http_requests_total', { method: 'GET', route: 'unmatched', status: '404' })).toBe(1);
    const routes = new Set(families.get('kairos_http_requests_total')!.samples.map((s) => s.labels.route));
    for (const route of routes) expect(route, [...routes].join(' ')).toMatch(/^(unmatched|\/[a-z0-9/{}A-Z.-]*)$/);
  });

  it('counters never go down between scrapes', async () => {
    h = await seedTwoActions();
    const first = await scrape(h);
    await decide(h);
    await send(h, 'GET', '/v1/stats');
    const second = await scrape(h);
    for (const family of first.values()) {
      if (family.type !== 'counter' && family.type !== 'histogram') continue;
      for (const sample of family.samples) {
        if (family.type === 'histogram' && sample.name.endsWith('_sum')) continue;
        const later = counterValue(second, sample.name, sample.labels);
        expect(later, `${sample.name}${JSON.stringify(sample.labels)}`).toBeGreaterThanOrEqual(sample.value);
      }
    }
  });
});

describe('access to /metrics', () => {
  it('with keys on, the analyst and ops keys scrape, the app key is 403; refusals count by reason', async () => {
    h = await createTestHarness({ apiKeys: true });
    const keys = h.apiKeys!;
    const before = await scrape(h, bearer(keys.analyst));
    await scrape(h, bearer(keys.ops));

    const forbidden = await send(h, 'GET', '/metrics', undefined, bearer(keys.app));
    expectStatus(forbidden, 403);
    expect(forbidden.headers.get('content-type')).toBe('application/problem+json');
    expectStatus(await send(h, 'GET', '/metrics'), 401);
    expectStatus(await send(h, 'GET', '/v1/stats', undefined, bearer('kairos_not_a_key')), 401);
    expectStatus(await send(h, 'GET', '/v1/stats', undefined, { authorization: 'Basic dXNlcjpwYXNz' }), 401);

    const after = await scrape(h, bearer(keys.analyst));
    const moved = (status: string, reason: string) =>
      sampleValue(after, 'kairos_auth_failures_total', { status, reason }) - sampleValue(before, 'kairos_auth_failures_total', { status, reason });
    expect(moved('403', 'forbidden')).toBe(1);
    expect(moved('401', 'missing')).toBe(1);
    expect(moved('401', 'invalid')).toBe(1);
    expect(moved('401', 'malformed')).toBe(1);
    expect(moved('403', 'host')).toBe(0);
    expect(sampleValue(after, 'kairos_http_requests_total', { method: 'GET', route: '/metrics', status: '403' })).toBe(1);
    expect(sampleValue(after, 'kairos_http_requests_total', { method: 'GET', route: '/v1/stats', status: '401' })).toBe(2);
  });

  it('with no key on a loopback HOST it is open, to requests addressed to loopback only', async () => {
    h = await createTestHarness();
    await scrape(h, { host: '127.0.0.1:3000' });
    const rebound = await send(h, 'GET', '/metrics', undefined, { host: 'evil.example:3000' });
    expectStatus(rebound, 403);
    const families = await scrape(h, { host: 'localhost:3000' });
    expect(sampleValue(families, 'kairos_auth_failures_total', { status: '403', reason: 'host' })).toBe(1);
  });
});

describe('createMetrics', () => {
  it('keeps the channel label set bounded: past the cap, decisions count under other', async () => {
    const metrics = createMetrics();
    const extra = 50;
    for (let i = 0; i < MAX_CHANNEL_LABELS + extra; i += 1) metrics.decided(`ch${i}`, 'policy', i % 2 === 0 ? undefined : 'below_threshold');
    metrics.decided('ch0', 'control', undefined);
    const families = parseExposition(await metrics.scrape());
    const labels = new Set(families.get('kairos_decisions_total')!.samples.map((s) => s.labels.channel));
    expect(labels.size).toBe(MAX_CHANNEL_LABELS + 1);
    expect(labels.has(OTHER_LABEL)).toBe(true);
    const other = families.get('kairos_decisions_total')!.samples.filter((s) => s.labels.channel === OTHER_LABEL);
    expect(other.reduce((sum, s) => sum + s.value, 0)).toBe(extra);
    expect(sampleValue(families, 'kairos_decisions_no_action_total', { channel: OTHER_LABEL, reason: 'below_threshold' })).toBe(extra / 2);
    expect(sampleValue(families, 'kairos_decisions_total', { channel: 'ch0', group: 'control', outcome: 'offered' })).toBe(1);
  });

  it("gives each engine its own registry: one engine's decision is not another's", async () => {
    h = await seedTwoActions();
    const other = await seedTwoActions();
    try {
      await decide(h);
      expect(counterValue(await scrape(h), 'kairos_decisions_total', { channel: 'app' })).toBe(1);
      expect(counterValue(await scrape(other), 'kairos_decisions_total', { channel: 'app' })).toBe(0);
    } finally {
      await other.close();
    }
  });
});
