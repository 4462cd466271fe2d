/**
 * `npm run snapshot:import -- --in snap.json [--yes]` — validates a snapshot completely, then in ONE
 * transaction stores its schema as a new schema version, upserts its actions (with their engagement policies),
 * replaces the declared channels and the contact policy, and puts its models under that version. A bad file changes
 * nothing. A version-1 file (written before channels and the contact policy were in snapshots) leaves both as they
 * are, and an engagement field it does not give keeps the database's value.
 *
 * What import deliberately does not do: it does not delete actions that are missing from the snapshot (their
 * decisions and feedback reference them; their models no longer match the new schema version, so they restart
 * from the prior), and it does not copy `appliedSeq` — the cursor counts the SOURCE database's feedback log, and
 * setting it here would make this database's learner skip its own feedback.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { transaction } from '../db/open.js';
import { getAction, insertSchema, listActions, upsertAction } from '../db/stores/catalog.js';
import { createSqliteChannelStore } from '../db/stores/channels.js';
import { createSqliteContactPolicyStore } from '../db/stores/contact-policy.js';
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
import { compileChannel } from '../src/policies/compile.js';
import type { FieldProblem } from '../src/errors.js';
import { actionChannelProblems, declaredChannels } from './lib/snapshot-policies.js';
import { validateSnapshot, type ValidatedSnapshot } from './lib/snapshot-validate.js';

const HELP_COMMAND = 'npm run snapshot:import -- --help';
const MAX_LISTED_PROBLEMS = 30;

const USAGE = `Usage: npm run snapshot:import -- --in <file.json> [--yes] [options]

Validates the snapshot fully (format, schema, dimensions, finite numbers, positive definite precisions, and the
channels, contact policy and engagement policies with the rules of the HTTP API: every eligibility rule is
compiled, a bad one is named with its action and position) and refuses a bad file without changing anything.
Then, in one transaction: stores the snapshot's schema as a new schema version, creates or updates every action
with its engagement policies (eligibility, startAt, endAt, dailyCap, mandatory), replaces the declared channels
and the contact policy, and stores every model under the new schema version.
Actions not in the snapshot are kept, but their models restart from the prior (new schema version).
A format-version-1 snapshot (written before channels and the contact policy were exported) leaves the
database's channels and contact policy as they are, and its actions must list only channels the database
declares. The database is created when it does not exist. A running service picks the change up within
KAIROS_RELOAD_INTERVAL.

Options:
  --in <file>        the snapshot to import
  --yes              confirm replacing the schema, models, channels and contact policy of a database
                     that already has actions or channels
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
    const refuse = (problems: readonly FieldProblem[]): never => {
      const listed = problems.slice(0, MAX_LISTED_PROBLEMS).map((p) => `  ${p.field || '(file)'}: ${p.message}\n`);
      const more = problems.length - listed.length;
      io.stderr.write(`${file} is not a valid snapshot:\n${listed.join('')}${more > 0 ? `  … and ${more} more\n` : ''}`);
      throw new ScriptFailure('snapshot refused; nothing was changed');
    };
    const check = validateSnapshot(doc);
    if (!check.ok) return refuse(check.problems);
    const validated = check.value;
    const { snapshot, posteriors } = validated;
    const summary = `snapshot ${snapshot.exportedAt}: schema d=${snapshot.schema.dimension}, ${snapshot.actions.length} action(s), ${posteriors.length} model(s), ${policySummary(validated)}`;
    if (values['dry-run'] === true && !existsSync(dbFile)) {
      io.stdout.write(`${summary}\nvalid; ${dbFile} would be created. dry run: nothing written\n`);
      return 0;
    }

    return withStore(dbFile, { mustExist: false, synchronous: config.synchronous }, (db) => {
      const channelStore = createSqliteChannelStore(db);
      const existing = listActions(db);
      const existingChannels = channelStore.list();
      if (!validated.channels) {
        // A version-1 file keeps the database's channels, so its actions must fit them (as a PUT of each would).
        const problems = actionChannelProblems(snapshot.actions, declaredChannels(existingChannels.map(compileChannel)));
        if (problems.length > 0) return refuse(problems);
      }
      const incoming = new Set(snapshot.actions.map((a) => a.id));
      const kept = existing.filter((a) => !incoming.has(a.id));
      if (validated.channels && validated.channels.length > 0) {
        // Kept actions must fit the channels that replace the database's, as every action of the file must.
        const declared = new Set(validated.channels.map((c) => c.id));
        const problems = kept.flatMap((a) =>
          a.channels
            .filter((c) => !declared.has(c))
            .map((c) => ({ field: 'channels', message: `the database's action '${a.id}' (not in the snapshot) lists channel '${c}', which the snapshot does not declare` })),
        );
        if (problems.length > 0) return refuse(problems);
      }
      if (values['dry-run'] === true) {
        io.stdout.write(`${summary}\nvalid; the database has ${existing.length} action(s) and ${existingChannels.length} channel(s). dry run: nothing written\n`);
        return 0;
      }
      const replacesChannels = validated.channels !== undefined && existingChannels.length > 0;
      if ((existing.length > 0 || replacesChannels) && values.yes !== true) {
        throw new ScriptFailure(
          `the database already has ${existing.length} action(s) and ${existingChannels.length} channel(s); importing replaces the schema, ` +
            `their models${validated.channels ? ', the channels and the contact policy' : ''}. Add --yes to confirm (nothing was changed)`,
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
          const given = validated.engagement.get(a.id) ?? {};
          const before = getAction(db, a.id);
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
              eligibility: given.eligibility !== undefined ? given.eligibility : (before?.eligibility ?? null),
              startAt: given.startAt !== undefined ? given.startAt : (before?.startAt ?? null),
              endAt: given.endAt !== undefined ? given.endAt : (before?.endAt ?? null),
              dailyCap: given.dailyCap !== undefined ? given.dailyCap : (before?.dailyCap ?? null),
              mandatory: given.mandatory ?? before?.mandatory ?? false,
            },
            now,
          );
        }
        if (validated.channels) channelStore.replaceAll(validated.channels, now);
        if (validated.contactPolicy) createSqliteContactPolicyStore(db).put(validated.contactPolicy, now);
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

/** What the file does to channels and the contact policy, for the summary line. */
function policySummary(v: ValidatedSnapshot): string {
  if (!v.channels || !v.contactPolicy) {
    return `format version ${v.snapshot.formatVersion}: no channels or contact policy in the file (the database's are left as they are)`;
  }
  return `${v.channels.length} channel(s), a contact policy of ${v.contactPolicy.suppression.length} suppression rule(s)`;
}

if (isDirectRun(import.meta.url)) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
