/**
 * UCI Adult as a bandit (Riquelme et al. 2018, `sample_adult_data`; data/uci-adult/README.md): adult.data and
 * adult.test concatenated (the test file's header line skipped), rows with '?' dropped (45,222 rows), label =
 * occupation (k = 14, arms in sorted category order like pandas' cat.codes), context = the 6 numeric columns
 * z-scored plus one-hots of workclass, education, marital-status, relationship, race, sex, native-country and
 * income (the test file's dotted labels kept distinct, as in the showdown). Rows are shuffled per seed.
 *
 * Deviation from the showdown, by design: the engine's encoder one-hots categories as 0/1 (it does not z-score
 * one-hot columns) and adds an `=other` slot per categorical feature (never active here: no weight, no effect).
 */
import type { FeatureSpec } from '../../../src/core/encoding.js';
import type { Rng } from '../../../src/core/types.js';
import type { BanditProblem } from '../problem.js';
import { classificationProblem } from './classification.js';
import { distinctSorted, encodeRows, meanAndStd, readLines, shuffledIndices, type EncodedRows } from './encode.js';

const COLUMNS = [
  'age', 'workclass', 'fnlwgt', 'education', 'education-num', 'marital-status', 'occupation', 'relationship',
  'race', 'sex', 'capital-gain', 'capital-loss', 'hours-per-week', 'native-country', 'income',
] as const;
const NUMERIC = [0, 2, 4, 10, 11, 12];
const CATEGORICAL = [1, 3, 5, 7, 8, 9, 13, 14];
const LABEL = 6;

export interface AdultData {
  /** Rows of 15 trimmed cells, '?' rows removed. */
  rows: string[][];
  /** Occupation category per arm, sorted. */
  arms: string[];
  /** Arm index of each row. */
  labels: Int32Array;
}

function parseRows(lines: readonly string[]): string[][] {
  return lines
    .map((line) => line.split(',').map((c) => c.trim()))
    .filter((cells) => cells.length === COLUMNS.length && cells[0] !== 'age' && !cells.includes('?'));
}

export function loadAdult(dataDir: string): AdultData {
  const rows = [...parseRows(readLines(dataDir, 'uci-adult', 'adult.data')), ...parseRows(readLines(dataDir, 'uci-adult', 'adult.test'))];
  const arms = distinctSorted(rows.map((r) => r[LABEL]!));
  const index = new Map(arms.map((a, i) => [a, i]));
  const labels = Int32Array.from(rows, (r) => index.get(r[LABEL]!)!);
  return { rows, arms, labels };
}

/** The feature schema (numeric z-scores with the data's mean/std; categorical with the categories seen). */
export function adultFeatures(data: AdultData): FeatureSpec[] {
  return [
    ...NUMERIC.map((j) => ({ name: COLUMNS[j]!, type: 'numeric' as const, ...meanAndStd(data.rows.map((r) => Number(r[j]))) })),
    ...CATEGORICAL.map((j) => ({ name: COLUMNS[j]!, type: 'categorical' as const, values: distinctSorted(data.rows.map((r) => r[j]!)) })),
  ];
}

export function encodeAdult(data: AdultData): EncodedRows {
  return encodeRows(
    adultFeatures(data),
    data.rows.map((r) => ({
      ...Object.fromEntries(NUMERIC.map((j) => [COLUMNS[j]!, Number(r[j])])),
      ...Object.fromEntries(CATEGORICAL.map((j) => [COLUMNS[j]!, r[j]!])),
    })),
  );
}

export function adultProblem(data: AdultData, encoded: EncodedRows, rng: Rng, rounds?: number): BanditProblem {
  return classificationProblem('adult', encoded, data.labels, data.arms.length, shuffledIndices(data.labels.length, rng), rounds);
}
