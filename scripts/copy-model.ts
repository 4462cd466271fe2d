/**
 * `npm run copy-model -- --from <id> --to <id>` — warm-starts an action with another action's posterior
 * (e.g. a new variant of an existing offer). The source model must be learned under the current schema and
 * both actions must use the same likelihood, since the target is scored with the current encoder.
 */
import { transaction } from '../db/open.js';
import { getAction, getCurrentSchema } from '../db/stores/catalog.js';
import { loadModel, putModel } from '../db/stores/models.js';
import { clearPredictionBins } from '../db/stores/prediction-bins.js';
import {
  COMMON_OPTIONS,
  COMMON_USAGE,
  isDirectRun,
  PROCESS_IO,
  requireString,
  runCli,
  ScriptFailure,
  type ScriptIo,
  UsageError,
} from './lib/args.js';
import { resolveDbFile, scriptConfig, withStore } from './lib/open-store.js';

const HELP_COMMAND = 'npm run copy-model -- --help';

const USAGE = `Usage: npm run copy-model -- --from <id> --to <id> [options]

Copies the posterior of one action to another (replacing the target's model). The source model must be
learned under the current feature schema, and both actions must use the same likelihood.

Options:
  --from <id>        action whose model is copied
  --to <id>          action that receives it
${COMMON_USAGE}

Examples:
  npm run copy-model -- --from card-upgrade --to card-upgrade-v2
  npm run copy-model -- --from loan-offer --to loan-offer-branch --data-dir /var/lib/kairos
`;

const OPTIONS = {
  ...COMMON_OPTIONS,
  from: { type: 'string' },
  to: { type: 'string' },
} as const;

export async function main(
  argv: string[],
  io: ScriptIo = PROCESS_IO,
  env: Record<string, string | undefined> = process.env,
): Promise<number> {
  return runCli(argv, io, { options: OPTIONS, usage: USAGE, helpCommand: HELP_COMMAND }, async (values) => {
    const from = requireString(values.from, 'from');
    const to = requireString(values.to, 'to');
    if (from === to) throw new UsageError('--from and --to name the same action');

    const config = scriptConfig(env);
    const dbFile = resolveDbFile(values, config);
    return withStore(dbFile, { mustExist: true, synchronous: config.synchronous }, (db) =>
      transaction(db, () => {
        const source = getAction(db, from);
        if (!source) throw new ScriptFailure(`unknown action '${from}' (--from)`);
        const target = getAction(db, to);
        if (!target) throw new ScriptFailure(`unknown action '${to}' (--to)`);
        const schema = getCurrentSchema(db);
        const model = loadModel(db, from);
        if (!model) throw new ScriptFailure(`action '${from}' has no stored model (it uses the prior): nothing to copy`);
        if (!schema || model.schemaVersion !== schema.version || model.posterior.d !== schema.dimension) {
          throw new ScriptFailure(
            `the model of '${from}' was learned under schema version ${model.schemaVersion}, the current schema is ` +
              `version ${schema?.version ?? 'none'}: it no longer applies (the service treats it as the prior)`,
          );
        }
        if (model.posterior.likelihood !== source.likelihood) {
          throw new ScriptFailure(
            `the stored model of '${from}' is ${model.posterior.likelihood} but the action now uses the ${source.likelihood} likelihood: it no longer applies`,
          );
        }
        if (model.posterior.likelihood !== target.likelihood) {
          throw new ScriptFailure(
            `'${from}' has a ${model.posterior.likelihood} model but '${to}' uses the ${target.likelihood} likelihood`,
          );
        }
        const written = putModel(db, to, model.schemaVersion, model.posterior, Date.now());
        // The target now has another model: the prediction bins of its old one (src/quality) no longer describe it.
        clearPredictionBins(db, to);
        io.stdout.write(
          `copied the model of '${from}' (version ${model.version}, ${model.posterior.observations} observations) ` +
            `to '${to}' (now version ${written.version})\n`,
        );
        return 0;
      }),
    );
  });
}

if (isDirectRun(import.meta.url)) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
