/**
 * `npm run evaluate -- --from … --to … --policy name:key=value,… [--policy …]` — the off-policy evaluation of
 * POST /v1/evaluations (src/evaluation) on a database file, printed as a table (or JSON). The same checks (400-style
 * problems, an empty window, decisions without probabilities) and the same replay; the database is only read.
 */
import { readLogChunk } from '../db/stores/evaluations.js';
import { createSqliteEvaluationStore } from '../db/stores/evaluations.js';
import { createEngineState } from '../src/domain/engine-state.js';
import { AppError } from '../src/errors.js';
import { evaluateLog } from '../src/evaluation/evaluate-log.js';
import { prepareEvaluation } from '../src/evaluation/service.js';
import { parsePolicyArgument } from '../src/evaluation/settings.js';
import { serviceSetup } from '../src/evaluation/setup.js';
import { learningPolicyFromConfig } from '../src/learner/fold.js';
import { COMMON_OPTIONS, COMMON_USAGE, isDirectRun, PROCESS_IO, runCli, ScriptFailure, type ScriptIo, UsageError } from './lib/args.js';
import { formatEvaluation } from './lib/evaluation-table.js';
import { resolveDbFile, scriptConfig, withStore } from './lib/open-store.js';
import { createProgress } from './lib/progress.js';

const HELP_COMMAND = 'npm run evaluate -- --help';

const USAGE = `Usage: npm run evaluate -- --policy <name:key=value,…> [--policy …] [options]

Off-policy evaluation of candidate settings on the decision log: each candidate is replayed over the window in
time order from the prior, learning each decision's outcome only after it is scored, and its value per decision
is estimated by IPS, SNIPS and DR with 95 % intervals, beside the logged policy and uniform random.

Settings: priorRate, drawCorrelation, minPriority, forgettingHalfLife, changeDetection (on/off); every other
setting is the service's (KAIROS_* variables, as the service reads them).

Options:
  --policy <spec>    a candidate, name:key=value,key=value (1–10 of them)
  --from <time>      window start, ISO-8601 or Unix ms (default: --to minus 30 days)
  --to <time>        window end, exclusive (default: now)
  --channel <id>     only decisions on this channel
  --json             print the evaluation as JSON
  --progress         draw the progress bar even when stderr is not a terminal
${COMMON_USAGE}

Examples:
  npm run evaluate -- --from 2026-11-01 --to 2026-12-01 --policy cold:priorRate=0.2 --policy independent:drawCorrelation=0
  npm run evaluate -- --policy picky:minPriority=0.3,priorRate=0.5 --db ./data/kairos.db --json
`;

const OPTIONS = {
  ...COMMON_OPTIONS,
  policy: { type: 'string', multiple: true },
  from: { type: 'string' },
  to: { type: 'string' },
  channel: { type: 'string' },
  json: { type: 'boolean' },
  progress: { type: 'boolean' },
} as const;

/** An AppError's message and the fields it names, as the script's failure. */
function failureOf(error: AppError): ScriptFailure {
  const fields = (error.errors ?? []).map((e) => `\n  - ${e.field.replace(/^policies\.(\d+)/, (_, i: string) => `--policy #${Number(i) + 1}`)}: ${e.message}`);
  return new ScriptFailure(`${error.message}${fields.join('')}`);
}

export async function main(argv: string[], io: ScriptIo = PROCESS_IO, env: Record<string, string | undefined> = process.env): Promise<number> {
  return runCli(argv, io, { options: OPTIONS, usage: USAGE, helpCommand: HELP_COMMAND }, async (values) => {
    const specs = values.policy ?? [];
    if (specs.length === 0) throw new UsageError('at least one --policy name:key=value,… is required');
    const policies = specs.map(parsePolicyArgument);
    for (const p of policies) if (p.name === '') throw new UsageError('a --policy needs a name before its settings (name:key=value)');
    const config = scriptConfig(env);
    const dbFile = resolveDbFile(values, config);
    return withStore(dbFile, { mustExist: true, synchronous: config.synchronous }, (db) => {
      const learning = learningPolicyFromConfig(config);
      const state = createEngineState(db, learning);
      const baseline = { ...learning, minPriority: config.minPriority, drawCorrelation: config.drawCorrelation };
      const store = createSqliteEvaluationStore(db);
      let prepared;
      try {
        prepared = prepareEvaluation(
          { ...(values.from === undefined ? {} : { from: values.from }), ...(values.to === undefined ? {} : { to: values.to }), ...(values.channel === undefined ? {} : { channel: values.channel }), policies },
          { setup: () => serviceSetup(state, baseline, { intervalMs: config.learnerIntervalMs, batchRows: config.learnerBatchLimit }), baseline, now: Date.now, summarize: (w) => store.summarize(w) },
        );
      } catch (error) {
        if (error instanceof AppError) throw failureOf(error);
        throw error;
      }
      const { request, summary, setup } = prepared;
      const progress = createProgress({ label: 'evaluate', total: summary.decisions, unit: 'decisions', stream: io.stderr, force: values.progress === true });
      const started = performance.now();
      const outcome = evaluateLog({ read: (w, c, l) => readLogChunk(db, w, c, l) }, request, setup, summary.decisions, (done) => progress.update(done * summary.decisions));
      const seconds = (performance.now() - started) / 1000;
      progress.finish(`evaluate: ${summary.decisions.toLocaleString('en-US')} decisions × ${request.policies.length + 2} rows in ${seconds.toFixed(1)} s`);
      if (values.json) {
        io.stdout.write(`${JSON.stringify({ from: new Date(request.from).toISOString(), to: new Date(request.to).toISOString(), channel: request.channel, rows: summary.decisions, ...outcome }, null, 2)}\n`);
      } else {
        io.stdout.write(`Off-policy evaluation, ${new Date(request.from).toISOString()} – ${new Date(request.to).toISOString()}${request.channel ? ` on ${request.channel}` : ''}\n\n`);
        io.stdout.write(formatEvaluation(outcome));
      }
      return 0;
    });
  });
}

if (isDirectRun(import.meta.url)) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
