/**
 * `npm run reset -- --action <id> | --all --yes` — deletes model rows, so the action(s) fall back to the prior.
 * A running service sees the commit (PRAGMA data_version) and reloads within its reload interval.
 */
import { getAction, listActions } from '../db/stores/catalog.js';
import { transaction } from '../db/open.js';
import { deleteAllModels, deleteModel, loadModel } from '../db/stores/models.js';
import { clearAllPredictionBins, clearPredictionBins } from '../db/stores/prediction-bins.js';
import {
  COMMON_OPTIONS,
  COMMON_USAGE,
  isDirectRun,
  PROCESS_IO,
  runCli,
  ScriptFailure,
  type ScriptIo,
  UsageError,
} from './lib/args.js';
import { resolveDbFile, scriptConfig, withStore } from './lib/open-store.js';

const HELP_COMMAND = 'npm run reset -- --help';

const USAGE = `Usage: npm run reset -- --action <id> | --all --yes [options]

Deletes stored models: the action(s) start again from the prior. A running service picks this up
within its reload interval (KAIROS_RELOAD_INTERVAL), without a restart.

Options:
  --action <id>      reset this action's model
  --all              reset every model (requires --yes)
  --yes              confirm --all
${COMMON_USAGE}

Examples:
  npm run reset -- --action card-upgrade
  npm run reset -- --all --yes --data-dir /var/lib/kairos
`;

const OPTIONS = {
  ...COMMON_OPTIONS,
  action: { type: 'string' },
  all: { type: 'boolean' },
  yes: { type: 'boolean' },
} as const;

export async function main(
  argv: string[],
  io: ScriptIo = PROCESS_IO,
  env: Record<string, string | undefined> = process.env,
): Promise<number> {
  return runCli(argv, io, { options: OPTIONS, usage: USAGE, helpCommand: HELP_COMMAND }, async (values) => {
    const all = values.all === true;
    if (values.action !== undefined && all) throw new UsageError('use either --action <id> or --all, not both');
    if (values.action === undefined && !all) throw new UsageError('missing --action <id> or --all');
    if (values.action !== undefined && values.action.trim() === '') throw new UsageError('--action must name an action');
    if (all && values.yes !== true) throw new UsageError('--all deletes every model; add --yes to confirm');

    const config = scriptConfig(env);
    const dbFile = resolveDbFile(values, config);
    // A reset model is a different model: its prediction bins (prequential AUC and calibration, src/quality) scored
    // the old one, so they go with it, in the same transaction.
    return withStore(dbFile, { mustExist: true, synchronous: config.synchronous }, (db) => {
      if (all) {
        const deleted = transaction(db, () => {
          clearAllPredictionBins(db);
          return deleteAllModels(db);
        });
        io.stdout.write(`reset ${deleted} model(s) of ${listActions(db).length} action(s) to the prior\n`);
        return 0;
      }
      const actionId = values.action!;
      if (!getAction(db, actionId)) throw new ScriptFailure(`unknown action '${actionId}'`);
      const before = loadModel(db, actionId);
      const deleted = transaction(db, () => {
        clearPredictionBins(db, actionId);
        return deleteModel(db, actionId);
      });
      if (!deleted) {
        io.stdout.write(`action '${actionId}' has no stored model: it already uses the prior\n`);
        return 0;
      }
      const observations = before ? ` (dropped version ${before.version}, ${before.posterior.observations} observations)` : '';
      io.stdout.write(`reset the model of '${actionId}' to the prior${observations}\n`);
      return 0;
    });
  });
}

if (isDirectRun(import.meta.url)) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
