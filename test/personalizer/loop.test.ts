/**
 * The Personalizer loop's service on a real engine and SQLite file, with a hand-driven clock and learner: actions on
 * first sight, reward semantics (earliest, sum, wait time and default reward, late rewards, deferred activation),
 * learning modes, multi-slot, the model file, logs and a restart.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createTestHarness, type TestHarness } from '../helpers/harness.js';
import { PersonalizerError, type PersonalizerService, type RankRequest } from '../../src/personalizer/types.js';

let harness: TestHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const MINUTE = 60_000;

async function loop(start = Date.UTC(2026, 11, 1, 12), env: Record<string, string> = {}) {
  const clock = { t: start };
  harness = await createTestHarness({ now: () => clock.t, env });
  const pz: PersonalizerService = harness.services.personalizer;
  const learner = harness.engine.personalizer.learner;
  const observations = (id: string) => harness!.engine.personalizer.state.get(id)?.posterior.observations;
  const slotRow = (eventId: string, slot = 0) =>
    harness!.db.sqlite
      .prepare('SELECT reward, rewards, learned_at, learned_reward FROM pz_event_slots WHERE event_id = ? AND slot_index = ?')
      .get(eventId, slot) as { reward: number | null; rewards: number; learned_at: number | null; learned_reward: number | null };
  const eventRow = (eventId: string) =>
    harness!.db.sqlite.prepare('SELECT closed_at, outcome FROM pz_events WHERE event_id = ?').get(eventId) as { closed_at: number | null; outcome: string | null };
  return { clock, pz, learner, observations, slotRow, eventRow };
}

function coffee(eventId?: string, extra: Partial<RankRequest> = {}): RankRequest {
  return {
    ...(eventId ? { eventId } : {}),
    contextFeatures: [{ user: { taste: 'sweet', visits: 3 } }, { time: 'morning' }, { tags: ['a', 'b'] }],
    actions: [
      { id: 'latte', features: [{ kind: 'milk', strength: 2 }] },
      { id: 'espresso', features: [{ kind: 'black', strength: 5 }] },
      { id: 'tea', features: [{ kind: 'leaf' }] },
    ],
    ...extra,
  };
}

/** `caught` holds what was thrown (undefined when nothing was): a PersonalizerError with this code and target. */
function expectCaught(caught: { error: unknown } | undefined, code: string, target?: string) {
  if (!caught) throw new Error(`expected PersonalizerError ${code}`);
  expect(caught.error).toBeInstanceOf(PersonalizerError);
  expect((caught.error as PersonalizerError).code).toBe(code);
  if (target !== undefined) expect((caught.error as PersonalizerError).target).toBe(target);
}

async function expectRejected(fn: () => Promise<unknown>, code: string, target?: string) {
  expectCaught(await fn().then(() => undefined, (error: unknown) => ({ error })), code, target);
}

function expectPersonalizerError(fn: () => unknown, code: string, target?: string) {
  let caught: { error: unknown } | undefined;
  try {
    fn();
  } catch (error) {
    caught = { error };
  }
  expectCaught(caught, code, target);
}

describe('action features', () => {
  it('a change is stored and re-flattened, and so is a change back; the same features in another object change nothing', async () => {
    const { pz } = await loop();
    const stored = () => (harness!.db.sqlite.prepare('SELECT features_json FROM pz_actions WHERE id = ?').get('tea') as { features_json: string }).features_json;
    const flat = () => harness!.engine.personalizer.state.get('tea')!.features.map((f) => `${f.name}=${f.value}`).sort();
    const withTea = (features: unknown[]) => coffee(undefined, { actions: [...coffee().actions.slice(0, 2), { id: 'tea', features: features as never }] });
    await pz.rank(withTea([{ kind: 'leaf' }]));
    expect(stored()).toBe('[{"kind":"leaf"}]');
    const before = flat();
    expect(before).toEqual(['a.kind=leaf=1']);
    await pz.rank(withTea([{ kind: 'herbal', caffeine: 0 }]));
    expect(stored()).toBe('[{"kind":"herbal","caffeine":0}]');
    expect(flat()).toEqual(['a.caffeine=0', 'a.kind=herbal=1']);
    await pz.rank(withTea([{ kind: 'leaf' }]));
    expect(stored()).toBe('[{"kind":"leaf"}]');
    expect(flat()).toEqual(before);
    // The same features in a freshly parsed object: unchanged. The same keys in another order: another text, stored.
    await pz.rank(withTea([JSON.parse('{"kind":"leaf"}')]));
    expect(stored()).toBe('[{"kind":"leaf"}]');
    await pz.rank(withTea([{ kind: 'herbal', caffeine: 0 }]));
    await pz.rank(withTea([{ caffeine: 0, kind: 'herbal' }]));
    expect(stored()).toBe('[{"caffeine":0,"kind":"herbal"}]');
  });
});

describe('generated event ids', () => {
  it('are 32 lowercase hex digits (a UUIDv7 without dashes) unique, and ordered by the millisecond of their rank', async () => {
    const { clock, pz } = await loop();
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      ids.push((await pz.rank(coffee())).eventId);
      if (i % 2 === 1) clock.t += 1; // two ranks per millisecond
    }
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{12}7[0-9a-f]{3}[89ab][0-9a-f]{15}$/);
    expect(new Set(ids).size).toBe(ids.length);
    // Ordered across milliseconds (the 48-bit time prefix); within one the random tail decides, so compare prefixes.
    const prefixes = ids.map((id) => id.slice(0, 12));
    expect([...prefixes].sort()).toEqual(prefixes);
    expect(prefixes[2]! > prefixes[0]!).toBe(true);
    expect(parseInt(prefixes[0]!, 16)).toBe(Date.UTC(2026, 11, 1, 12));
  });
});

describe('rank', () => {
  it('creates actions on first sight, ranks the chosen one first with probabilities that sum to 1, excluded last at 0', async () => {
    const { pz, observations } = await loop();
    const answer = await pz.rank(coffee('e1', { excludedActions: ['tea'] }));
    expect(answer.eventId).toBe('e1');
    expect(answer.ranking.map((r) => r.id)).toHaveLength(3);
    expect(answer.ranking[0]!.id).toBe(answer.rewardActionId);
    expect(answer.ranking[2]).toEqual({ id: 'tea', probability: 0 });
    const sum = answer.ranking.reduce((s, r) => s + r.probability, 0);
    expect(sum).toBeCloseTo(1, 12);
    for (const r of answer.ranking.slice(0, 2)) expect(r.probability).toBeGreaterThan(0);
    expect(observations('latte')).toBe(0);
    expect(harness!.db.sqlite.prepare('SELECT count(*) AS n FROM pz_actions').get()).toEqual({ n: 3 });
  });

  it('generates an event id when none is given, and refuses a reused one without writing anything', async () => {
    const { pz } = await loop();
    const a = await pz.rank(coffee());
    expect(a.eventId).toMatch(/^[0-9a-f]{32}$/);
    await pz.rank(coffee('same'));
    const before = harness!.db.sqlite.prepare('SELECT count(*) AS n FROM pz_events').get();
    await expectRejected(() => pz.rank({ ...coffee('same'), actions: [{ id: 'new-one', features: [] }] }), 'BadRequest', 'eventId');
    expect(harness!.db.sqlite.prepare('SELECT count(*) AS n FROM pz_events').get()).toEqual(before);
    expect(harness!.engine.personalizer.state.get('new-one')).toBeUndefined();
  });

  it('ranks of one turn are written together; an event id still waiting for its commit is taken', async () => {
    const { pz } = await loop();
    const results = await Promise.allSettled([pz.rank(coffee('twin')), pz.rank(coffee('twin')), pz.rank(coffee('other'))]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(((results[1] as PromiseRejectedResult).reason as PersonalizerError).target).toBe('eventId');
    expect(harness!.db.sqlite.prepare('SELECT count(*) AS n FROM pz_events').get()).toEqual({ n: 2 });
    expect(harness!.db.sqlite.prepare('SELECT count(*) AS n FROM pz_actions').get()).toEqual({ n: 3 });
  });

  it('refuses duplicate ids, unknown exclusions and excluding everything', async () => {
    const { pz } = await loop();
    await expectRejected(() => pz.rank({ actions: [{ id: 'a', features: [] }, { id: 'a', features: [] }] }), 'BadRequest', 'actions.1.id');
    await expectRejected(() => pz.rank({ ...coffee(), excludedActions: ['nope'] }), 'BadRequest', 'excludedActions.0');
    await expectRejected(() => pz.rank({ ...coffee(), excludedActions: ['latte', 'espresso', 'tea'] }), 'BadRequest', 'excludedActions');
    expect(harness!.db.sqlite.prepare('SELECT count(*) AS n FROM pz_actions').get()).toEqual({ n: 0 });
  });
});

describe('rewards', () => {
  it('earliest: the first reward is learned at once, a second one is accepted and ignored', async () => {
    const { pz, learner, observations, slotRow } = await loop();
    const { rewardActionId } = await pz.rank(coffee('e1'));
    await pz.reward('e1', 0.75);
    await pz.reward('e1', 0.1);
    expect(learner.cycle()).toBe(1);
    expect(observations(rewardActionId)).toBe(1);
    expect(slotRow('e1')).toMatchObject({ reward: 0.75, rewards: 1, learned_reward: 0.75 });
    expect(learner.cycle()).toBe(0);
  });

  it('sum: rewards add up until the wait ends, then the total is learned', async () => {
    const { clock, pz, learner, observations, slotRow } = await loop();
    pz.updateServiceConfiguration({ ...pz.serviceConfiguration(), rewardAggregation: 'sum', rewardWaitTime: 'PT1M' });
    const { rewardActionId } = await pz.rank(coffee('e1'));
    await pz.reward('e1', 0.25);
    await pz.reward('e1', 0.5);
    expect(learner.cycle()).toBe(0);
    clock.t += MINUTE;
    expect(learner.cycle()).toBe(1);
    expect(observations(rewardActionId)).toBe(1);
    expect(slotRow('e1').learned_reward).toBeCloseTo(0.75, 12);
  });

  it('an event without a reward learns the default reward when its wait ends; a later reward is not learned', async () => {
    const { clock, pz, learner, observations, slotRow, eventRow } = await loop();
    pz.updateServiceConfiguration({ ...pz.serviceConfiguration(), defaultReward: -0.5, rewardWaitTime: 'PT1M' });
    const { rewardActionId } = await pz.rank(coffee('e1'));
    clock.t += MINUTE - 1;
    expect(learner.cycle()).toBe(0);
    clock.t += 1;
    await pz.reward('e1', 1); // the wait is over: accepted, not learned
    expect(learner.cycle()).toBe(1);
    expect(slotRow('e1')).toMatchObject({ reward: null, learned_reward: -0.5 });
    expect(eventRow('e1')).toMatchObject({ outcome: 'learned' });
    expect(observations(rewardActionId)).toBe(1);
  });

  it('an unknown event is a 404, a value outside [-1, 1] a 400, and neither changes anything', async () => {
    const { pz, slotRow } = await loop();
    await pz.rank(coffee('e1'));
    await expectRejected(() => pz.reward('nope', 1), 'ResourceNotFound', 'eventId');
    await expectRejected(() => pz.reward('e1', 1.5), 'InvalidRewardRequest', 'value');
    await expectRejected(() => pz.reward('e1', Number.NaN), 'InvalidRewardRequest', 'value');
    expect(slotRow('e1')).toMatchObject({ reward: null, rewards: 0 });
  });

  it('deferActivation: not learned until activated; never activated → dropped', async () => {
    const { clock, pz, learner, observations, slotRow, eventRow } = await loop();
    pz.updateServiceConfiguration({ ...pz.serviceConfiguration(), rewardWaitTime: 'PT1M' });
    const kept = await pz.rank(coffee('kept', { deferActivation: true }));
    const dropped = await pz.rank(coffee('dropped', { deferActivation: true }));
    await pz.reward('kept', 1);
    await pz.reward('dropped', 1);
    expect(learner.cycle()).toBe(0);
    clock.t += 30_000;
    pz.activate('kept');
    expect(learner.cycle()).toBe(1); // earliest: the reward sent before the activation counts once it comes
    expect(slotRow('kept').learned_reward).toBe(1);
    clock.t += MINUTE;
    learner.cycle();
    expect(eventRow('dropped')).toMatchObject({ outcome: 'dropped' });
    expect(slotRow('dropped').learned_at).toBeNull();
    const total = (observations(kept.rewardActionId) ?? 0) + (kept.rewardActionId === dropped.rewardActionId ? 0 : (observations(dropped.rewardActionId) ?? 0));
    expect(total).toBe(1);
    pz.activate('dropped'); // too late: accepted, nothing changes
    expect(learner.cycle()).toBe(0);
  });
});

describe('learning modes', () => {
  it('Apprentice answers the baseline (the first non-excluded action), learns its rewards and reports against it', async () => {
    const { pz, learner, observations } = await loop();
    pz.updateServiceConfiguration({ ...pz.serviceConfiguration(), learningMode: 'Apprentice' });
    for (let i = 0; i < 20; i++) {
      const answer = await pz.rank(coffee(`a${i}`, { excludedActions: ['latte'] }));
      expect(answer.rewardActionId).toBe('espresso');
      expect(answer.ranking[0]).toEqual({ id: 'espresso', probability: 1 });
      await pz.reward(`a${i}`, 1);
    }
    learner.cycle();
    expect(observations('espresso')).toBe(20);
    expect(observations('tea')).toBe(0);
    const report = pz.serviceConfiguration().apprentice!;
    expect(report.events).toBe(20);
    expect(report.baselineAverageReward).toBe(1);
    expect(report.agreement).toBeGreaterThanOrEqual(0);
    expect(report.modelIpsEstimate).toBeGreaterThan(0);
    expect(report.modelIpsEstimate).toBeLessThanOrEqual(1);
  });

  it('LoggingOnly logs and never learns', async () => {
    const { pz, learner, observations, eventRow, clock } = await loop();
    pz.updateServiceConfiguration({ ...pz.serviceConfiguration(), learningMode: 'LoggingOnly' });
    await pz.rank(coffee('l1'));
    await pz.reward('l1', 1);
    learner.cycle();
    clock.t += 11 * MINUTE;
    learner.cycle();
    expect(observations('latte')).toBe(0);
    expect(eventRow('l1')).toMatchObject({ outcome: 'logged' });
  });

  it('refuses a mode change together with a reward-setting change, changing nothing', async () => {
    const { pz } = await loop();
    const before = pz.serviceConfiguration();
    expectPersonalizerError(
      () => pz.updateServiceConfiguration({ ...before, learningMode: 'Apprentice', defaultReward: 0.5 }),
      'InvalidLearningModeServiceConfiguration',
      'learningMode',
    );
    expect(pz.serviceConfiguration()).toEqual(before);
  });
});

describe('multi-slot', () => {
  const request = (eventId: string) => ({
    eventId,
    contextFeatures: [{ device: 'mobile' }],
    actions: [
      { id: 'news', features: [{ topic: 'news' }] },
      { id: 'sport', features: [{ topic: 'sport' }] },
      { id: 'music', features: [{ topic: 'music' }] },
    ],
    slots: [
      { id: 'hero', features: [{ size: 'large' }], baselineAction: 'news' },
      { id: 'side', features: [{ size: 'small' }], baselineAction: 'sport', excludedActions: ['music'] },
    ],
  });

  it('answers a different action per slot and learns per-slot rewards', async () => {
    const { pz, learner, observations, slotRow } = await loop();
    const answer = await pz.multiSlotRank(request('m1'));
    expect(answer.slots.map((s) => s.id)).toEqual(['hero', 'side']);
    expect(new Set(answer.slots.map((s) => s.rewardActionId)).size).toBe(2);
    expect(answer.slots[1]!.rewardActionId).not.toBe('music');
    await pz.multiSlotReward('m1', [{ slotId: 'side', value: 1 }]);
    expect(learner.cycle()).toBe(1);
    expect(observations(answer.slots[1]!.rewardActionId)).toBe(1);
    expect(slotRow('m1', 0).learned_at).toBeNull();
  });

  it('Apprentice answers each slot its baselineAction', async () => {
    const { pz } = await loop();
    pz.updateServiceConfiguration({ ...pz.serviceConfiguration(), learningMode: 'Apprentice' });
    expect((await pz.multiSlotRank(request('m2'))).slots.map((s) => s.rewardActionId)).toEqual(['news', 'sport']);
  });

  it('refuses an unknown slot id without keeping any of the rewards', async () => {
    const { pz, slotRow } = await loop();
    await pz.multiSlotRank(request('m3'));
    await expectRejected(() => pz.multiSlotReward('m3', [{ slotId: 'hero', value: 1 }, { slotId: 'footer', value: 1 }]), 'InvalidRewardRequest', 'reward.1.slotId');
    expect(slotRow('m3', 0).rewards).toBe(0);
    await expectRejected(() => pz.reward('m3', 1), 'BadRequest', 'eventId');
  });
});

describe('action retirement', () => {
  it('an action no rank named within KAIROS_PERSONALIZER_ACTION_TTL is retired with its model; one ranked since stays', async () => {
    const DAY = 86_400_000;
    const { clock, pz, learner, observations } = await loop(Date.UTC(2026, 11, 1, 12), { KAIROS_PERSONALIZER_ACTION_TTL: '3d' });
    const seen = () => harness!.db.sqlite.prepare('SELECT id, last_seen_at FROM pz_actions ORDER BY id').all() as { id: string; last_seen_at: number }[];
    await pz.rank({ eventId: 'old', actions: [{ id: 'yesterday-news', features: [{ topic: 'a' }] }, { id: 'evergreen', features: [{ topic: 'b' }] }] });
    await pz.reward('old', 1);
    learner.cycle();
    clock.t += 2 * DAY;
    await pz.rank({ eventId: 'later', actions: [{ id: 'evergreen', features: [{ topic: 'b' }] }] });
    clock.t += 2 * DAY; // yesterday-news: 4 days unseen; evergreen: 2
    learner.cycle();
    expect(harness!.engine.personalizer.state.get('yesterday-news')).toBeUndefined();
    expect(observations('evergreen')).toBeDefined();
    expect(seen().map((r) => r.id)).toEqual(['evergreen']);
    expect(seen()[0]!.last_seen_at).toBe(clock.t - 2 * DAY);
    expect(harness!.db.sqlite.prepare("SELECT count(*) AS n FROM pz_models WHERE action_id = 'yesterday-news'").get()).toEqual({ n: 0 });
    // Seen again, it is a new action: created on first sight, from the prior or its look-alikes.
    await pz.rank({ actions: [{ id: 'yesterday-news', features: [{ topic: 'a' }] }] });
    expect(observations('yesterday-news')).toBe(0);
  });
});

describe('metrics', () => {
  it('count committed ranks by kind and mode, rewards on time and late, and learned slots by reward', async () => {
    const { clock, pz, learner } = await loop();
    const sample = async (name: string, labels: string) => {
      const text = await harness!.engine.metrics.scrape();
      const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
      return line === undefined ? undefined : Number(line.split(' ').pop());
    };
    expect(await sample('kairos_personalizer_ranks_total', 'kind="single",mode="Online"')).toBe(0);
    await pz.rank(coffee('m1'));
    await pz.rank(coffee('m2'));
    await pz.reward('m1', 1);
    await expectRejected(() => pz.rank(coffee('m1')), 'BadRequest');
    learner.cycle();
    clock.t += 11 * MINUTE;
    await pz.reward('m2', 1);
    learner.cycle();
    expect(await sample('kairos_personalizer_ranks_total', 'kind="single",mode="Online"')).toBe(2);
    expect(await sample('kairos_personalizer_rewards_total', 'timing="on_time"')).toBe(1);
    expect(await sample('kairos_personalizer_rewards_total', 'timing="late"')).toBe(1);
    expect(await sample('kairos_personalizer_slots_learned_total', 'reward="given"')).toBe(1);
    expect(await sample('kairos_personalizer_slots_learned_total', 'reward="default"')).toBe(1);
  });
});

describe('model and logs', () => {
  it('export shows the evidence, DELETE resets it, PUT of the export restores it; properties move', async () => {
    const { pz, learner, clock, observations } = await loop();
    const created = pz.modelProperties().creationTime;
    const { rewardActionId } = await pz.rank(coffee('e1'));
    await pz.reward('e1', 1);
    clock.t += 1000;
    learner.cycle();
    expect(pz.modelProperties().lastModifiedTime).not.toBe(created);
    const file = pz.exportModel();
    const learnedMean = Array.from(harness!.engine.personalizer.state.get(rewardActionId)!.posterior.mean);
    const doc = JSON.parse(new TextDecoder().decode(file)) as { actions: { id: string; observations: number }[] };
    expect(doc.actions.find((a) => a.id === rewardActionId)!.observations).toBe(1);
    clock.t += 1000;
    pz.resetModel();
    expect(observations(rewardActionId)).toBe(0);
    expect(pz.modelProperties().creationTime).not.toBe(created);
    pz.importModel(file);
    expect(observations(rewardActionId)).toBe(1);
    expect(Array.from(harness!.engine.personalizer.state.get(rewardActionId)!.posterior.mean)).toEqual(learnedMean);
    expectPersonalizerError(() => pz.importModel(new TextEncoder().encode('not a model')), 'InvalidModelImportFormat');
    expect(observations(rewardActionId)).toBe(1);
  });

  it('DELETE /logs forgets the closed events (a reward is then a 404), keeps the open ones and the model', async () => {
    const { pz, learner, observations, clock } = await loop();
    const { rewardActionId } = await pz.rank(coffee('e1'));
    await pz.reward('e1', 1);
    learner.cycle();
    expect(pz.logProperties().dateRange.from).toBe(new Date(Date.UTC(2026, 11, 1, 12)).toISOString());
    clock.t += 11 * MINUTE;
    learner.cycle(); // e1's wait is over: closed
    await pz.rank(coffee('open'));
    pz.deleteLogs();
    await expectRejected(() => pz.reward('e1', 1), 'ResourceNotFound');
    await pz.reward('open', 1); // still waiting for its reward: kept
    expect(learner.cycle()).toBe(1);
    expect(pz.logProperties().dateRange.from).toBe(new Date(clock.t).toISOString());
    expect(observations(rewardActionId)).toBeGreaterThanOrEqual(1);
  });

});
