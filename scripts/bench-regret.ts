/**
 * Regret benchmark (issue #3, ../shared/BENCHMARKS.md §1): plays a data set's bandit protocol with the engine's
 * own learning code (encoder, posteriors, Thompson sampling, learner fold) beside Uniform random on the same
 * rounds, and prints a markdown table and one JSON line.
 *
 *   npm run bench:regret -- --dataset synthetic [--seeds 5] [--rounds N] [--batch 1,1000] [--json] [--plot out.svg]
 */
import { writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.js';
import { learningPolicyFromConfig } from '../src/learner/fold.js';
import { loadSynthetic } from './regret/data/synthetic.js';
import { DATASETS, runDataset, type Dataset } from './regret/datasets.js';
import type { EnginePolicy } from './regret/players/engine.js';
import { playSyntheticOverHttp } from './regret/http-synthetic.js';
import { formatReplayTable, replayJson } from './regret/protocols/replay.js';
import { fatigueJson, formatFatigueTable } from './regret/protocols/fatigue.js';
import { formatJson, formatTable } from './regret/report.js';
import { regretChart } from './regret/svg.js';

const HELP = `Usage: npm run bench:regret -- --dataset <${DATASETS.join('|')}> [options]

  --dataset NAME     the protocol and data set (see ../shared/BENCHMARKS.md)
  --seeds N          seeds 1..N (default 5)
  --rounds N         rounds to play (default: the data set's; delay 1,000,000; mushroom 50,000)
  --batch N[,M..]    feedback folded in every N rounds, one Kairos row per value (default 1;
                     delay: the δ values, default 1,3,10,32,100,316,1000; drift/obd/fatigue: the first value; fatigue default 100)
  --half-life H      drift: the forgetting row's half-life in observations per action (default 300, or
                     KAIROS_FORGETTING_HALF_LIFE when set); other data sets: turn forgetting on with H
  --prior-rate P     override KAIROS_PRIOR_RATE (a tuned second row, never the headline)
  --correlation R    override KAIROS_DRAW_CORRELATION, ρ in [0, 1) (0 = independent Thompson draws)
  --data DIR         data directory (default ../shared/data from the repository root)
  --plot FILE.svg    write the cumulative-regret chart (synthetic, mushroom, statlog, adult)
  --json             print only the JSON line
  --compare-encodings  fatigue only: also play the history engine with linear counts min(n, 10)/10
  --http             synthetic only: also play it through a running service (concurrency 1, feedback after each
                     decision; --seeds runs) and compare with the in-process regret
  --quiet            no progress on stderr
  --help

The policy is the service's: KAIROS_PRIOR_RATE, KAIROS_FORGETTING_HALF_LIFE, KAIROS_CHANGE_DETECTION and KAIROS_DRAW_CORRELATION
are read as the service reads them.`;

function positiveInts(text: string, flag: string): number[] {
  const values = text.split(',').map((v) => Number(v.trim()));
  if (values.length === 0 || values.some((v) => !Number.isInteger(v) || v < 1)) throw new Error(`${flag} must be positive integers, got '${text}'`);
  return values;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      dataset: { type: 'string' },
      seeds: { type: 'string', default: '5' },
      rounds: { type: 'string' },
      batch: { type: 'string' },
      'half-life': { type: 'string' },
      'prior-rate': { type: 'string' },
      correlation: { type: 'string' },
      data: { type: 'string' },
      plot: { type: 'string' },
      json: { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
      http: { type: 'boolean', default: false },
      'compare-encodings': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const dataset = values.dataset as Dataset | undefined;
  if (!dataset || !DATASETS.includes(dataset)) throw new Error(`--dataset must be one of ${DATASETS.join(', ')}\n\n${HELP}`);
  const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const dataDir = resolve(values.data ?? resolve(repoRoot, '..', 'shared', 'data'));
  const seedCount = positiveInts(values.seeds, '--seeds')[0]!;
  const seeds = Array.from({ length: seedCount }, (_, i) => i + 1);

  // --prior-rate and --correlation override their variables and are validated exactly as the service validates them.
  const overrides: Record<string, string> = {};
  if (values['prior-rate'] !== undefined) overrides['KAIROS_PRIOR_RATE'] = values['prior-rate'];
  if (values.correlation !== undefined) overrides['KAIROS_DRAW_CORRELATION'] = values.correlation;
  const config = loadConfig({ ...process.env, ...overrides });
  let policy: EnginePolicy = { ...learningPolicyFromConfig(config), drawCorrelation: config.drawCorrelation };
  const halfLife = values['half-life'] === undefined ? undefined : Number(values['half-life']);
  if (halfLife !== undefined && !(halfLife > 0)) throw new Error(`--half-life must be positive, got '${values['half-life']}'`);
  if (halfLife !== undefined && dataset !== 'drift') policy = { ...policy, forgettingHalfLife: halfLife };

  const quiet = values.quiet || values.json;
  const started = performance.now();
  const result = runDataset(dataset, {
    dataDir,
    seeds,
    rounds: values.rounds === undefined ? undefined : positiveInts(values.rounds, '--rounds')[0],
    batches: values.batch === undefined ? undefined : positiveInts(values.batch, '--batch'),
    policy,
    halfLife,
    compareEncodings: values['compare-encodings'],
    onProgress: quiet ? undefined : (message) => process.stderr.write(`  ${message}\n`),
  });

  if (result.kind === 'fatigue') {
    if (!values.json) console.log(`${formatFatigueTable(result.report)}\n`);
    console.log(fatigueJson(result.report));
  } else if (result.kind === 'replay') {
    if (!values.json) console.log(`${formatReplayTable(result.rows, seeds)}\n`);
    console.log(replayJson(result.rows, seeds, { policy }));
  } else {
    if (!values.json) console.log(`${formatTable(result.report)}\n`);
    console.log(formatJson(result.report));
    if (values.plot) {
      const { report } = result;
      const series = report.rows.flatMap((row) => (row.curve ? [{ name: row.name, values: row.curve }] : []));
      if (!report.checkpoints || series.length === 0) throw new Error(`--plot is not available for ${dataset}`);
      const title = `${dataset}: mean cumulative regret over seeds ${seeds[0]}–${seeds[seeds.length - 1]}`;
      writeFileSync(values.plot, regretChart(title, report.checkpoints, series));
      if (!values.json) console.log(`plot written to ${values.plot}`);
    }
  }
  if (values.http) {
    if (dataset !== 'synthetic' || result.kind !== 'regret') throw new Error('--http is available for --dataset synthetic');
    const data = loadSynthetic(dataDir);
    const rounds = values.rounds === undefined ? data.rounds : positiveInts(values.rounds, '--rounds')[0]!;
    const regrets: number[] = [];
    const t0 = performance.now();
    for (const seed of seeds) {
      regrets.push(await playSyntheticOverHttp(data, rounds, quiet ? undefined : (t) => process.stderr.write(`  http run ${seed}: round ${t}\n`)));
    }
    const seconds = (performance.now() - t0) / 1000;
    const mean = regrets.reduce((a, b) => a + b, 0) / regrets.length;
    const sd = Math.sqrt(regrets.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, regrets.length - 1));
    const inProcess = result.report.rows.find((row) => row.name.startsWith('Kairos'))!;
    const inMean = inProcess.regrets.reduce((a, b) => a + b, 0) / inProcess.regrets.length;
    const summary = {
      bench: 'regret-http',
      dataset,
      runs: regrets.length,
      rounds,
      httpRegret: { mean, sd, perRun: regrets.map((r) => Math.round(r * 1000) / 1000) },
      inProcessRegret: { name: inProcess.name, mean: inMean },
      ratio: mean / inMean,
      roundsPerSecond: Math.round((rounds * regrets.length) / seconds),
    };
    if (!values.json) {
      console.log(`\n| player | regret (mean ± sd) | vs in-process |\n| --- | --- | --- |`);
      console.log(`| ${inProcess.name} (in-process) | ${inMean.toFixed(0)} | 100 % |`);
      console.log(`| Kairos over HTTP (service learner, ${regrets.length} runs) | ${mean.toFixed(0)} ± ${sd.toFixed(0)} | ${((100 * mean) / inMean).toFixed(1)} % |\n`);
    }
    console.log(JSON.stringify(summary));
  }
  if (!quiet) process.stderr.write(`  done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
