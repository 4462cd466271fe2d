/**
 * `npm run warm-start -- --file history.jsonl [--action <id>]` — folds a history of outcomes into the
 * action models, with the learner's own code (`foldBatch`) and the service's learning policy (env), so a new
 * action starts from what is already known instead of from the prior. It cooperates with a running service: what
 * the service's learner committed while the file was being folded is merged in, never dropped (src/core/merge.ts).
 */
import { stat } from 'node:fs/promises';
import { transaction, type Db } from '../db/open.js';
import { getAction, getCurrentSchema, listActions, type ActionRecord } from '../db/stores/catalog.js';
import { loadModel, saveModel } from '../db/stores/models.js';
import { clearPredictionBins } from '../db/stores/prediction-bins.js';
import { compileEncoder, encodeContext } from '../src/core/encoding.js';
import { mergeEvidence } from '../src/core/merge.js';
import type { FieldProblem } from '../src/errors.js';
import { learningPolicyFromConfig, priorPosterior, type LearningPolicy } from '../src/learner/fold.js';
import {
  COMMON_OPTIONS,
  COMMON_USAGE,
  isDirectRun,
  positiveInt,
  PROCESS_IO,
  requireString,
  runCli,
  ScriptFailure,
  type ScriptIo,
  UsageError,
} from './lib/args.js';
import { checkHistoryRow, inferHistoryFormat, readHistory, type HistoryFormat } from './lib/history.js';
import { resolveDbFile, scriptConfig, withStore } from './lib/open-store.js';
import { createProgress, formatMiB } from './lib/progress.js';
import { formatWarmSummary, type WarmCounts } from './lib/warm-report.js';
import { createWarmFold, type ActionFold } from './lib/warm-fold.js';

const HELP_COMMAND = 'npm run warm-start -- --help';
/** Problem rows printed one by one; the rest are only counted. */
const MAX_REPORTED_PROBLEMS = 20;

const USAGE = `Usage: npm run warm-start -- --file <history.jsonl|history.csv> [options]

Folds a history of outcomes into the action models (current feature schema, the service's learning policy).

Options:
  --file <path>        history file (required): JSONL rows {context, channel, actionId?, outcome, reward?},
                       or CSV with columns channel, outcome, actionId?, reward? and one column per context
                       feature (set features as a|b|c)
  --format jsonl|csv   file format (default: from the extension)
  --action <id>        only this action: rows without actionId are attributed to it, other actions skipped
  --batch <n>          rows per posterior update (default 1000)
  --strict             abort on the first row with a problem (default: skip it and count it)
  --dry-run            read, encode and fold, but write nothing
  --progress           draw the progress bar even when stderr is not a terminal
${COMMON_USAGE}

Examples:
  npm run warm-start -- --file history.jsonl
  npm run warm-start -- --action card-upgrade --file card.csv --batch 500 --dry-run
  npm run warm-start -- --data-dir /var/lib/kairos --file history.jsonl --strict
`;

const OPTIONS = {
  ...COMMON_OPTIONS,
  file: { type: 'string' },
  format: { type: 'string' },
  action: { type: 'string' },
  batch: { type: 'string' },
  strict: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  progress: { type: 'boolean' },
} as const;

export async function main(
  argv: string[],
  io: ScriptIo = PROCESS_IO,
  env: Record<string, string | undefined> = process.env,
): Promise<number> {
  return runCli(argv, io, { options: OPTIONS, usage: USAGE, helpCommand: HELP_COMMAND }, async (values) => {
    const file = requireString(values.file, 'file');
    const format = resolveFormat(values.format, file);
    const batchSize = positiveInt(values.batch, 'batch', 1000);
    if (values.action !== undefined) requireString(values.action, 'action');
    const config = scriptConfig(env);
    const dbFile = resolveDbFile(values, config);
    const policy = learningPolicyFromConfig(config);
    const fileBytes = await stat(file).then(
      (s) => s.size,
      (error: Error) => {
        throw new ScriptFailure(`cannot read ${file}: ${error.message}`);
      },
    );

    return withStore(dbFile, { mustExist: true, synchronous: config.synchronous }, async (db) => {
      const schema = getCurrentSchema(db);
      if (!schema) throw new ScriptFailure('the database has no feature schema yet (start the service or PUT /v1/schema first)');
      // A history file carries no contact counts: with a contact-history schema both history slots stay 0.
      const encoder = compileEncoder({ features: schema.features, channels: schema.channels, contactHistory: schema.contactHistory });
      const actions = new Map(listActions(db).map((a) => [a.id, a]));
      if (values.action !== undefined && !actions.has(values.action)) {
        throw new ScriptFailure(`unknown action '${values.action}'`);
      }
      const d = encoder.dimension;
      const fold = createWarmFold(policy, d, batchSize, (actionId) =>
        startingModel(db, actions.get(actionId)!, schema.version, d, policy),
      );
      const counts: WarmCounts = { records: 0, folded: 0, invalid: 0, otherAction: 0, unknownKeys: new Map() };
      const report = (line: number, problems: FieldProblem[]): void => {
        counts.invalid += 1;
        const text = `line ${line}: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`;
        if (values.strict) throw new ScriptFailure(`${file} ${text} (--strict: nothing written)`);
        if (counts.invalid <= MAX_REPORTED_PROBLEMS) io.stderr.write(`skipped ${text}\n`);
      };
      const progress = createProgress({
        label: 'warm-start',
        total: fileBytes,
        unit: '',
        format: formatMiB,
        stream: io.stderr,
        force: values.progress === true,
        detail: () => `${counts.folded.toLocaleString('en-US')} rows folded`,
      });

      const history = readHistory(file, {
        format,
        features: schema.features,
        requireActionColumn: values.action === undefined,
        onBytes: (bytes) => progress.update(bytes),
      });
      for await (const item of history) {
        counts.records += 1;
        if (item.kind === 'invalid') {
          report(item.line, item.problems);
          continue;
        }
        const checked = checkHistoryRow(item.row, values.action);
        if (checked.kind === 'other-action') {
          counts.otherAction += 1;
          continue;
        }
        if (checked.kind === 'invalid') {
          report(item.row.line, checked.problems);
          continue;
        }
        const row = checked.row;
        if (!actions.has(row.actionId)) {
          report(row.line, [{ field: 'actionId', message: `unknown action '${row.actionId}'` }]);
          continue;
        }
        const encoded = encodeContext(encoder, row.context, row.channel, fold.slot(row.actionId));
        if (encoded.problems.length > 0) {
          report(row.line, encoded.problems);
          continue;
        }
        for (const key of encoded.unknownKeys) counts.unknownKeys.set(key, (counts.unknownKeys.get(key) ?? 0) + 1);
        fold.commit(row.actionId, row.outcome, row.reward);
        counts.folded += 1;
      }
      const folds = fold.finish();
      progress.finish(`${counts.records.toLocaleString('en-US')} records read, ${counts.folded.toLocaleString('en-US')} rows folded`);

      const dryRun = values['dry-run'] === true;
      const written = dryRun ? { versions: new Map<string, number>(), merged: new Map<string, number>() } : writeModels(db, folds, schema.version, policy);
      io.stdout.write(formatWarmSummary({ folds, ...written, counts, dryRun, maxReported: MAX_REPORTED_PROBLEMS }));
      return 0;
    });
  });
}

function resolveFormat(option: string | undefined, file: string): HistoryFormat {
  if (option !== undefined) {
    if (option !== 'jsonl' && option !== 'csv') throw new UsageError(`--format must be jsonl or csv, got ${JSON.stringify(option)}`);
    return option;
  }
  const inferred = inferHistoryFormat(file);
  if (!inferred) throw new UsageError(`cannot tell the format of ${file} from its extension; add --format jsonl or --format csv`);
  return inferred;
}

/**
 * The model a warm-start continues: the stored one when it was learned under the current schema with the
 * action's likelihood (exactly the test the service applies), else the prior.
 */
export function startingModel(db: Db, action: ActionRecord, schemaVersion: number, d: number, policy: LearningPolicy) {
  const stored = loadModel(db, action.id);
  if (
    stored &&
    stored.schemaVersion === schemaVersion &&
    stored.posterior.likelihood === action.likelihood &&
    stored.posterior.d === d
  ) {
    return { posterior: stored.posterior, version: stored.version, updatedAt: stored.updatedAt, fromPrior: false };
  }
  const prior = priorPosterior(policy, action.likelihood, d);
  return { posterior: prior, version: stored?.version ?? 0, updatedAt: stored?.updatedAt ?? null, fromPrior: true };
}

/**
 * Writes every folded model in one transaction. A model the running service's learner changed while the file was
 * being folded is not overwritten: the fold's evidence is merged into the stored model (natural parameters, so the
 * learner's outcomes and the file's both count once; src/core/merge.ts) and written on the stored version, inside
 * the same transaction, so no learner commit can slip in between. `merged` gives, per such action, the
 * observations the learner had added meanwhile. A model whose schema or likelihood changed meanwhile cannot be
 * merged: nothing is written and the script says so.
 */
export function writeModels(
  db: Db,
  folds: readonly ActionFold[],
  schemaVersion: number,
  policy: LearningPolicy,
  nowMs: number = Date.now(),
): { versions: Map<string, number>; merged: Map<string, number> } {
  const versions = new Map<string, number>();
  const merged = new Map<string, number>();
  transaction(db, () => {
    for (const f of folds) {
      if (f.rows === 0) continue;
      const stored = getAction(db, f.actionId) ? loadModel(db, f.actionId) : undefined;
      // The stored row is still the one the fold started from: write the fold on it. (Version and time together: a
      // reset deletes the row and the learner's next write starts again at version 1.)
      const unchanged = stored
        ? stored.version === f.startVersion && stored.updatedAt === f.startUpdatedAt
        : f.startVersion === 0;
      const saved = unchanged ? saveModel(db, f.actionId, schemaVersion, f.posterior, f.startVersion, nowMs) : null;
      if (saved) {
        versions.set(f.actionId, saved.version);
        // A warm-started model learned outcomes that were never scored before it learned them: its prequential record
        // (src/quality) starts again with it, and the old model's bins go.
        clearPredictionBins(db, f.actionId);
        continue;
      }
      const { likelihood, d } = f.posterior;
      // A model deleted meanwhile (reset) is the prior again: the file's evidence goes onto the prior.
      const current = stored ?? { schemaVersion, version: 0, posterior: priorPosterior(policy, likelihood, d) };
      if (current.schemaVersion !== schemaVersion || current.posterior.likelihood !== likelihood || current.posterior.d !== d) {
        throw new ScriptFailure(
          `the model of '${f.actionId}' was replaced meanwhile under another schema or likelihood ` +
            `(version ${f.startVersion} → ${current.version}); nothing was written — run again`,
        );
      }
      const posterior = mergeEvidence(current.posterior, f.startPosterior, f.posterior);
      if (!posterior) {
        throw new ScriptFailure(
          `the model of '${f.actionId}' changed meanwhile and the file's evidence cannot be merged into it ` +
            '(its precision would not stay positive definite, e.g. under forgetting); nothing was written — run again',
        );
      }
      const write = saveModel(db, f.actionId, schemaVersion, posterior, current.version, nowMs);
      if (!write) throw new ScriptFailure(`the model of '${f.actionId}' changed during the write transaction`);
      versions.set(f.actionId, write.version);
      clearPredictionBins(db, f.actionId);
      merged.set(f.actionId, current.posterior.observations - f.startObservations);
      f.posterior = posterior;
    }
  });
  return { versions, merged };
}

if (isDirectRun(import.meta.url)) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
