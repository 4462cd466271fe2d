/**
 * `npm run snapshot:import -- --in snap.json [--yes]` — validates a snapshot completely, then in ONE
 * transaction stores its schema as a new schema version, upserts its actions and puts its models under that
 * version. A bad file changes nothing.
 *
 * What import deliberately does not do: it does not delete actions that are missing from the snapshot (their
 * decisions and feedback reference them; their models no longer match the new schema version, so they restart
 * from the prior), and it does not copy `appliedSeq` — the cursor counts the SOURCE database's feedback log, and
 * setting it here would make this database's learner skip its own feedback.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { transaction } from '../db/open.js';
import { insertSchema, listActions, upsertAction } from '../db/stores/catalog.js';
import { putModel } from '../db/stores/models.js';
import {
  COMMON_OPTIONS,
  COMMON_USAGE,
  isDirectRun,
  PROCESS_IO,
  requireString,
  runCli,
  ScriptFailure,
  type ScriptIo,
} from './lib/args.js';
import { resolveDbFile, scriptConfig, withStore } from './lib/open-store.js';
import { createProgress } from './lib/progress.js';
import { validateSnapshot } from './lib/snapshot-validate.js';

const HELP_COMMAND = 'npm run snapshot:import -- --help';
const MAX_LISTED_PROBLEMS = 30;

const USAGE = `Usage: npm run snapshot:import -- --in <file.json> [--yes] [options]

Validates the snapshot fully (format, schema, dimensions, finite numbers, positive definite precisions) and
refuses a bad file without changing anything. Then, in one transaction: stores the snapshot's schema as a new
schema version, creates or updates every action, and stores every model under the new schema version.
Actions not in the snapshot are kept, but their models restart from the prior (new schema version).
The database is created when it does not exist.

Options:
  --in <file>        the snapshot to import
  --yes              confirm replacing the schema and models of a database that already has actions
  --dry-run          validate and report, write nothing
  --progress         draw the progress bar even when stderr is not a terminal
${COMMON_USAGE}

Examples:
  npm run snapshot:import -- --in snap.json --data-dir ./data-restore
  npm run snapshot:import -- --in snap.json --yes --dry-run
`;

const OPTIONS = {
  ...COMMON_OPTIONS,
  in: { type: 'string' },
  yes: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  progress: { type: 'boolean' },
} as const;

export async function main(
  argv: string[],
  io: ScriptIo = PROCESS_IO,
  env: Record<string, string | undefined> = process.env,
): Promise<number> {
  return runCli(argv, io, { options: OPTIONS, usage: USAGE, helpCommand: HELP_COMMAND }, async (values) => {
    const file = requireString(values.in, 'in');
    const config = scriptConfig(env);
    const dbFile = resolveDbFile(values, config);

    const text = await readFile(file, 'utf8').catch((error: Error) => {
      throw new ScriptFailure(`cannot read ${file}: ${error.message}`);
    });
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (error) {
      throw new ScriptFailure(`${file} is not valid JSON (${(error as Error).message}); nothing was changed`);
    }
    const check = validateSnapshot(doc);
    if (!check.ok) {
      const listed = check.problems.slice(0, MAX_LISTED_PROBLEMS).map((p) => `  ${p.field || '(file)'}: ${p.message}\n`);
      const more = check.problems.length - listed.length;
      io.stderr.write(`${file} is not a valid snapshot:\n${listed.join('')}${more > 0 ? `  … and ${more} more\n` : ''}`);
      throw new ScriptFailure('snapshot refused; nothing was changed');
    }
    const { snapshot, posteriors } = check.value;
    if (values['dry-run'] === true && !existsSync(dbFile)) {
      io.stdout.write(`valid snapshot: ${snapshot.actions.length} action(s), ${posteriors.length} model(s); ${dbFile} would be created. dry run: nothing written\n`);
      return 0;
    }

    return withStore(dbFile, { mustExist: false, synchronous: config.synchronous }, (db) => {
      const existing = listActions(db);
      const incoming = new Set(snapshot.actions.map((a) => a.id));
      const kept = existing.filter((a) => !incoming.has(a.id));
      const summary =
        `snapshot ${snapshot.exportedAt}: schema d=${snapshot.schema.dimension}, ${snapshot.actions.length} action(s), ` +
        `${posteriors.length} model(s)`;
      if (values['dry-run'] === true) {
        io.stdout.write(`${summary}\nvalid; the database has ${existing.length} action(s). dry run: nothing written\n`);
        return 0;
      }
      if (existing.length > 0 && values.yes !== true) {
        throw new ScriptFailure(
          `the database already has ${existing.length} action(s); importing replaces the schema and their models. ` +
            'Add --yes to confirm (nothing was changed)',
        );
      }
      const progress = createProgress({
        label: 'snapshot:import',
        total: posteriors.length,
        unit: 'models',
        stream: io.stderr,
        force: values.progress === true,
      });
      const now = Date.now();
      const schemaVersion = transaction(db, () => {
        const s = snapshot.schema;
        const rec = insertSchema(db, s.features, s.channels, s.dimension, now, s.contactHistory);
        for (const a of snapshot.actions) {
          upsertAction(
            db,
            {
              id: a.id,
              name: a.name,
              category: a.category,
              value: a.value,
              lever: a.lever,
              channels: a.channels,
              active: a.active,
              likelihood: a.likelihood,
            },
            now,
          );
        }
        for (const { actionId, posterior } of posteriors) {
          putModel(db, actionId, rec.version, posterior, now);
          progress.tick();
        }
        return rec.version;
      });
      progress.finish(`imported ${posteriors.length} model(s)`);
      io.stdout.write(`${summary}\nimported as schema version ${schemaVersion}\n`);
      if (kept.length > 0) {
        io.stdout.write(
          `${kept.length} action(s) not in the snapshot were kept and restart from the prior: ` +
            `${kept.map((a) => a.id).join(', ')}\n`,
        );
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
