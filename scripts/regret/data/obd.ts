/**
 * Open Bandit Dataset small samples (data/open-bandit-dataset/README.md), as the Open Bandit Pipeline reads them:
 * rows sorted by timestamp, action = item_id, reward = click, context = the four hashed categorical user features
 * (obp's default context; the per-item affinity columns are left out, as obp does).
 */
import type { FeatureSpec } from '../../../src/core/encoding.js';
import { distinctSorted, encodeRows, readLines, type EncodedRows } from './encode.js';

export type ObdPolicy = 'random' | 'bts';
export type ObdCampaign = 'men' | 'women';

export interface ObdLog {
  policy: ObdPolicy;
  campaign: ObdCampaign;
  /** Number of items (arms), from item_context.csv. */
  k: number;
  /** Logged item of each row (time order). */
  items: Int32Array;
  clicks: Uint8Array;
  positions: Int32Array;
  /** user_feature_0..3 of each row. */
  userFeatures: string[][];
}

export function loadObd(dataDir: string, policy: ObdPolicy, campaign: ObdCampaign): ObdLog {
  const [header, ...lines] = readLines(dataDir, 'open-bandit-dataset', policy, campaign, `${campaign}.csv`);
  const columns = header!.split(',');
  const col = (name: string): number => {
    const i = columns.indexOf(name);
    if (i < 0) throw new Error(`OBD ${policy}/${campaign}: no column ${name}`);
    return i;
  };
  const [ts, item, click, position] = [col('timestamp'), col('item_id'), col('click'), col('position')];
  const users = [0, 1, 2, 3].map((j) => col(`user_feature_${j}`));
  const rows = lines.map((line) => line.split(','));
  // ISO timestamps with one fixed offset sort correctly as strings; the sort is stable, so ties keep file order.
  rows.sort((a, b) => (a[ts]! < b[ts]! ? -1 : a[ts]! > b[ts]! ? 1 : 0));
  const k = readLines(dataDir, 'open-bandit-dataset', policy, campaign, 'item_context.csv').length - 1;
  const items = Int32Array.from(rows, (r) => Number(r[item]));
  if (items.some((a) => !(a >= 0 && a < k))) throw new Error(`OBD ${policy}/${campaign}: item_id outside 0..${k - 1}`);
  return {
    policy,
    campaign,
    k,
    items,
    clicks: Uint8Array.from(rows, (r) => Number(r[click])),
    positions: Int32Array.from(rows, (r) => Number(r[position])),
    userFeatures: rows.map((r) => users.map((c) => r[c]!)),
  };
}

/** Click-through rate of the log itself (the logging policy's on-policy value). */
export function loggedClickRate(log: ObdLog): number {
  let clicks = 0;
  for (const c of log.clicks) clicks += c;
  return clicks / log.clicks.length;
}

/** Encodes the user features: four categorical features with the categories seen in this log. */
export function encodeObd(log: ObdLog): EncodedRows {
  const features: FeatureSpec[] = [0, 1, 2, 3].map((j) => ({
    name: `user_feature_${j}`,
    type: 'categorical' as const,
    values: distinctSorted(log.userFeatures.map((u) => u[j]!)),
  }));
  return encodeRows(
    features,
    log.userFeatures.map((u) => Object.fromEntries(u.map((v, j) => [`user_feature_${j}`, v]))),
  );
}
