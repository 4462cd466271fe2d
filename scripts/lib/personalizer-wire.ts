/**
 * What Azure's classic Personalizer client (`@azure/cognitiveservices-personalizer` 2.0.1, on ms-rest-js) puts on
 * the wire, so a load generator can send exactly that without the client's own cost: POST {endpoint}/personalizer/
 * v1.0/rank with `content-type: application/json; charset=utf-8`, the body's fields in the order of the client's
 * RankRequest mapper (contextFeatures, actions, excludedActions, eventId, deferActivation; each action id then
 * features), absent fields left out. test/e2e/personalizer-wire.test.ts captures the real client's request and
 * checks these bytes against it.
 */
import { createRng } from '../../src/core/rng.js';
import type { RankRequest } from '../../src/personalizer/types.js';

export const CLASSIC_CONTENT_TYPE = 'application/json; charset=utf-8';
export const CLASSIC_RANK_PATH = '/personalizer/v1.0/rank';

/** The classic client's serialisation of a rank request. */
export function classicRankBody(request: RankRequest): string {
  return JSON.stringify({
    contextFeatures: request.contextFeatures,
    actions: request.actions.map((action) => ({ id: action.id, features: action.features })),
    excludedActions: request.excludedActions,
    eventId: request.eventId,
    deferActivation: request.deferActivation,
  });
}

const SEGMENTS = ['student', 'professional', 'retired', 'family'] as const;
const CHANNELS = ['web', 'ios', 'android'] as const;
const TOPICS = ['sports', 'politics', 'tech', 'food', 'travel', 'music'] as const;
const COLORS = ['red', 'green', 'blue', 'black', 'white'] as const;

/**
 * `count` rank request bodies on the classic wire format, each with 10 actions (two feature objects each) and
 * contexts that flatten to exactly 20 features (indicators and numbers, nested objects and an array), seeded.
 * No eventId: the service generates one per rank, as for most applications (a body cycled by a load generator
 * must not repeat an id).
 */
export function benchRankBodies(seed: number, count: number): string[] {
  const rng = createRng(seed);
  const pick = <T>(values: readonly T[]): T => values[rng.nextInt(values.length)]!;
  const actions = Array.from({ length: 10 }, (_, i) => ({
    id: `article-${i}`,
    features: [
      { topic: TOPICS[i % TOPICS.length], length: 300 + 100 * i },
      { style: { color: COLORS[i % COLORS.length], video: i % 3 === 0 } },
    ],
  }));
  return Array.from({ length: count }, () => {
    const first = rng.nextInt(TOPICS.length);
    // 20 flattened features: 4 in `user`, 3 in `session`, 3 `interests` items, 10 numeric `signals`.
    const contextFeatures = [
      { user: { segment: pick(SEGMENTS), age: 18 + rng.nextInt(60), premium: rng.nextFloat() < 0.3, country: pick(['fr', 'de', 'us', 'jp']) } },
      { session: { channel: pick(CHANNELS), hour: rng.nextInt(24), returning: rng.nextFloat() < 0.5 } },
      { interests: [0, 1, 2].map((i) => TOPICS[(first + i) % TOPICS.length]) },
      { signals: Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`s${i}`, Math.round(rng.nextFloat() * 1000) / 100])) },
    ];
    return classicRankBody({ contextFeatures, actions });
  });
}
