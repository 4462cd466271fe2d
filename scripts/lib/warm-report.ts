/** The warm-start summary: one row per action, then what was read, skipped and ignored. */
import type { ActionFold } from './warm-fold.js';

export interface WarmCounts {
  /** Records read (rows and malformed lines; blank lines excluded). */
  records: number;
  folded: number;
  /** Records skipped because of a problem. */
  invalid: number;
  /** Records of other actions than `--action`. */
  otherAction: number;
  /** Context keys the schema does not declare, with how many rows carried each. */
  unknownKeys: Map<string, number>;
}

/** Renders rows as left-aligned columns (first row = header). */
export function formatTable(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n') + '\n';
}

const fmtInt = (n: number): string => n.toLocaleString('en-US');
const fmtObs = (n: number): string => (Number.isInteger(n) ? fmtInt(n) : n.toFixed(1));

export function formatWarmSummary(input: {
  folds: readonly ActionFold[];
  /** New stored version per action (empty on a dry run). */
  versions: ReadonlyMap<string, number>;
  /** Per action merged with a model the service changed meanwhile: the observations the service had added. */
  merged?: ReadonlyMap<string, number>;
  counts: WarmCounts;
  dryRun: boolean;
  maxReported: number;
}): string {
  const { folds, versions, counts } = input;
  const header = ['action', 'model', 'from', 'rows', 'responses', 'rate', 'mean reward', 'observations', 'version'];
  const rows = folds.map((f) => [
    f.actionId,
    f.posterior.likelihood,
    f.fromPrior ? 'prior' : `v${f.startVersion}`,
    fmtInt(f.rows),
    fmtInt(f.responses),
    f.rows > 0 ? `${((100 * f.responses) / f.rows).toFixed(2)}%` : '-',
    f.rewards > 0 ? (f.rewardSum / f.rewards).toPrecision(4) : '-',
    `${fmtObs(f.startObservations)} → ${fmtObs(f.posterior.observations)}`,
    versions.has(f.actionId) ? `v${versions.get(f.actionId)}` : '-',
  ]);
  let text = folds.length > 0 ? formatTable([header, ...rows]) : 'no rows to fold\n';
  text += `${fmtInt(counts.records)} records read: ${fmtInt(counts.folded)} folded, ${fmtInt(counts.invalid)} skipped with problems`;
  if (counts.otherAction > 0) text += `, ${fmtInt(counts.otherAction)} of other actions`;
  text += '\n';
  if (counts.invalid > input.maxReported) {
    text += `(the first ${input.maxReported} problem rows were listed on stderr)\n`;
  }
  if (counts.unknownKeys.size > 0) {
    const keys = [...counts.unknownKeys].sort((a, b) => b[1] - a[1]).slice(0, 10);
    text += `context keys not in the schema (ignored): ${keys.map(([k, n]) => `${k} (${fmtInt(n)})`).join(', ')}`;
    text += counts.unknownKeys.size > keys.length ? `, … ${counts.unknownKeys.size - keys.length} more\n` : '\n';
  }
  for (const [actionId, added] of input.merged ?? []) {
    text += `${actionId}: the service learnt ${fmtObs(added)} observation(s) meanwhile; merged with them, none dropped\n`;
  }
  text += input.dryRun ? 'dry run: nothing written\n' : `wrote ${versions.size} model(s) in one transaction\n`;
  return text;
}
