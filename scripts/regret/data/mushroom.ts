/**
 * UCI Mushroom as a bandit (Riquelme, Tucker & Snoek 2018, `sample_mushroom_data`; data/uci-mushroom/README.md):
 * rounds sample rows with replacement; arm 0 = don't eat (reward 0), arm 1 = eat (edible +5; poisonous −35 or +5
 * with probability ½ each). Regret_t = optimal expected reward (edible 5, poisonous 0) − realised reward.
 */
import type { FeatureSpec } from '../../../src/core/encoding.js';
import type { Rng } from '../../../src/core/types.js';
import type { BanditProblem } from '../problem.js';
import { distinctSorted, encodeRows, readLines, rowView } from './encode.js';

/** The 22 attribute columns after the class column (UCI agaricus-lepiota.names). */
export const MUSHROOM_ATTRIBUTES = [
  'cap-shape', 'cap-surface', 'cap-color', 'bruises', 'odor', 'gill-attachment', 'gill-spacing', 'gill-size',
  'gill-color', 'stalk-shape', 'stalk-root', 'stalk-surface-above-ring', 'stalk-surface-below-ring',
  'stalk-color-above-ring', 'stalk-color-below-ring', 'veil-type', 'veil-color', 'ring-number', 'ring-type',
  'spore-print-color', 'population', 'habitat',
] as const;

export const MUSHROOM_REWARDS = { edible: 5, poisonousBad: -35, poisonousGood: 5, probabilityBad: 0.5 } as const;

export interface MushroomData {
  /** true = edible ('e'). */
  edible: boolean[];
  /** The 22 attribute values of each row ('?' is its own category, as in pandas get_dummies). */
  attributes: string[][];
}

export function loadMushroom(dataDir: string): MushroomData {
  const lines = readLines(dataDir, 'uci-mushroom', 'agaricus-lepiota.data');
  const edible: boolean[] = [];
  const attributes: string[][] = [];
  for (const line of lines) {
    const cells = line.split(',').map((c) => c.trim());
    if (cells.length !== MUSHROOM_ATTRIBUTES.length + 1) throw new Error(`mushroom: expected 23 columns, got ${cells.length}`);
    edible.push(cells[0] === 'e');
    attributes.push(cells.slice(1));
  }
  return { edible, attributes };
}

/** One categorical feature per attribute, the categories seen in the file. */
export function mushroomFeatures(data: MushroomData): FeatureSpec[] {
  return MUSHROOM_ATTRIBUTES.map((name, j) => ({
    name,
    type: 'categorical' as const,
    values: distinctSorted(data.attributes.map((row) => row[j]!)),
  }));
}

/** `rounds` rows sampled with replacement, and the −35/+5 coin of each round, drawn from `rng`. */
export function mushroomProblem(data: MushroomData, rounds: number, rng: Rng): BanditProblem {
  const features = mushroomFeatures(data);
  const encoded = encodeRows(
    features,
    data.attributes.map((row) => Object.fromEntries(MUSHROOM_ATTRIBUTES.map((name, j) => [name, row[j]!]))),
  );
  const rowOf = new Int32Array(rounds);
  const bad = new Uint8Array(rounds);
  for (let t = 0; t < rounds; t += 1) {
    rowOf[t] = rng.nextInt(data.edible.length);
    bad[t] = rng.nextFloat() < MUSHROOM_REWARDS.probabilityBad ? 1 : 0;
  }
  const eatReward = (t: number): number => {
    if (data.edible[rowOf[t]!]) return MUSHROOM_REWARDS.edible;
    return bad[t] === 1 ? MUSHROOM_REWARDS.poisonousBad : MUSHROOM_REWARDS.poisonousGood;
  };
  const expectedPoisonous =
    MUSHROOM_REWARDS.probabilityBad * MUSHROOM_REWARDS.poisonousBad +
    (1 - MUSHROOM_REWARDS.probabilityBad) * MUSHROOM_REWARDS.poisonousGood;
  const optimal = (t: number): number => (data.edible[rowOf[t]!] ? MUSHROOM_REWARDS.edible : Math.max(0, expectedPoisonous));
  const reward = (t: number, arm: number): number => (arm === 1 ? eatReward(t) : 0);
  return {
    name: 'mushroom',
    k: 2,
    d: encoded.d,
    likelihood: 'linear',
    rounds,
    context: (t) => rowView(encoded, rowOf[t]!),
    reward,
    regret: (t, arm) => optimal(t) - reward(t, arm),
  };
}
