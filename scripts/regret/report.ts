/** Benchmark results as data, as a markdown table for humans and as one JSON line for machines. */
import { summarise, type Summary } from './stats.js';

/** One player's figures over the seeds. */
export interface PlayerRow {
  name: string;
  /** Regret of each seed, in seed order. */
  regrets: number[];
  /** Total wall time and rounds over all seeds (rounds/s = rounds / seconds). */
  seconds: number;
  rounds: number;
  /** Mean cumulative-regret curve over the seeds at `RegretReport.checkpoints` (for the plot). */
  curve?: Float64Array;
  /** Extra columns (already formatted), e.g. the published figure to compare with. */
  extra?: Record<string, string>;
  /** Name of the row whose mean regret is this row's 100 %; default the report's `baseline`. */
  baseline?: string;
}

export interface RegretReport {
  dataset: string;
  /** What is summed: e.g. 'expected regret over 20,000 rounds'. */
  measure: string;
  rounds: number;
  seeds: number[];
  /** The engine's learning policy and any other configuration worth recording. */
  config: Record<string, unknown>;
  rows: PlayerRow[];
  /** Name of the Uniform row (the denominator of "% of Uniform"). */
  baseline?: string;
  checkpoints?: Int32Array;
  notes: string[];
}

export interface RowSummary {
  name: string;
  regret: Summary & { perSeed: number[] };
  percentOfUniform: number | null;
  roundsPerSecond: number;
  extra?: Record<string, string>;
}

export function summariseRows(report: RegretReport): RowSummary[] {
  const means = new Map(report.rows.map((r) => [r.name, summarise(r.regrets).mean]));
  return report.rows.map((row) => {
    const regret = summarise(row.regrets);
    const base = row.baseline ?? report.baseline;
    const denominator = base === undefined ? undefined : means.get(base);
    return {
      name: row.name,
      regret: { ...regret, perSeed: row.regrets.map((r) => round(r, 3)) },
      percentOfUniform: denominator ? round((100 * regret.mean) / denominator, 3) : null,
      roundsPerSecond: row.seconds > 0 ? Math.round(row.rounds / row.seconds) : 0,
      ...(row.extra ? { extra: row.extra } : {}),
    };
  });
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

/** Thousands-separated, with `digits` decimals. */
export function fmt(v: number, digits = 0): string {
  if (!Number.isFinite(v)) return String(v);
  return v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** The human table: player, regret mean ± sd, median, % of Uniform, rounds/s, then any extra columns. */
export function formatTable(report: RegretReport): string {
  const rows = summariseRows(report);
  const extraKeys = [...new Set(rows.flatMap((r) => Object.keys(r.extra ?? {})))];
  const digits = report.rows.every((r) => r.regrets.every((v) => Math.abs(v) >= 100)) ? 0 : 1;
  const header = ['player', 'regret (mean ± sd)', 'median', '% of Uniform', 'rounds/s', ...extraKeys];
  const body = rows.map((r) => [
    r.name,
    `${fmt(r.regret.mean, digits)} ± ${fmt(r.regret.sd, digits)}`,
    fmt(r.regret.median, digits),
    r.percentOfUniform === null ? '—' : `${fmt(r.percentOfUniform, 2)} %`,
    fmt(r.roundsPerSecond),
    ...extraKeys.map((k) => r.extra?.[k] ?? ''),
  ]);
  const lines = [header, header.map(() => '---'), ...body].map((cells) => `| ${cells.join(' | ')} |`);
  const title = `${report.dataset}: ${report.measure}; seeds ${report.seeds.join(', ')}`;
  return [title, '', ...lines, ...(report.notes.length ? ['', ...report.notes.map((n) => `- ${n}`)] : [])].join('\n');
}

/** One JSON line with every figure (curves left out). */
export function formatJson(report: RegretReport): string {
  return JSON.stringify({
    bench: 'regret',
    dataset: report.dataset,
    measure: report.measure,
    rounds: report.rounds,
    seeds: report.seeds,
    config: report.config,
    baseline: report.baseline ?? null,
    players: summariseRows(report),
    notes: report.notes,
  });
}
