/**
 * `npm run snapshot:export -- --out snap.json` — writes the current schema, the catalog (with its engagement
 * policies), the declared channels, the contact policy and every model learned under that schema to one JSON file (format in scripts/lib/snapshot.ts), for backup or to seed
 * another instance with `snapshot:import`.
 */
import { resolve } from 'node:path';
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
import { planSnapshot, writeSnapshotFile, writeSnapshotStream } from './lib/snapshot.js';

const HELP_COMMAND = 'npm run snapshot:export -- --help';

const USAGE = `Usage: npm run snapshot:export -- --out <file.json> [options]

Exports the current feature schema, every action with its engagement policies (eligibility rule, startAt,
endAt, dailyCap, mandatory), the declared channels, the contact policy and every model learned under that
schema (snapshot format version 2). The file is written atomically (temporary file, then rename). Numbers
round-trip bit for bit.

Options:
  --out <file>       where to write the snapshot ('-' for stdout)
  --progress         draw the progress bar even when stderr is not a terminal
${COMMON_USAGE}

Examples:
  npm run snapshot:export -- --out backups/kairos-$(date +%F).json
  npm run snapshot:export -- --data-dir /var/lib/kairos --out - | gzip > snap.json.gz
`;

const OPTIONS = {
  ...COMMON_OPTIONS,
  out: { type: 'string' },
  progress: { type: 'boolean' },
} as const;

export async function main(
  argv: string[],
  io: ScriptIo = PROCESS_IO,
  env: Record<string, string | undefined> = process.env,
): Promise<number> {
  return runCli(argv, io, { options: OPTIONS, usage: USAGE, helpCommand: HELP_COMMAND }, async (values) => {
    const out = requireString(values.out, 'out');
    const config = scriptConfig(env);
    const dbFile = resolveDbFile(values, config);
    return withStore(dbFile, { mustExist: true, synchronous: config.synchronous }, (db) => {
      // One read transaction, so schema, catalog and models come from the same committed state.
      const plan = db.sqlite.transaction(() => planSnapshot(db, new Date()))();
      if (!plan) throw new ScriptFailure('the database has no feature schema yet: nothing to export');
      for (const s of plan.skipped) io.stderr.write(`left out the model of '${s.actionId}': ${s.reason}\n`);
      const progress = createProgress({
        label: 'snapshot:export',
        total: plan.models.length,
        unit: 'models',
        stream: io.stderr,
        force: values.progress === true,
      });
      const tick = (): void => progress.tick();
      if (out === '-') writeSnapshotStream(plan, io.stdout, tick);
      else writeSnapshotFile(plan, resolve(out), tick);
      progress.finish(
        `exported schema v${plan.header.schema.version} (d=${plan.header.schema.dimension}), ` +
          `${plan.header.actions.length} action(s), ${plan.header.channels?.length ?? 0} channel(s), ` +
          `a contact policy of ${plan.header.contactPolicy?.suppression.length ?? 0} suppression rule(s), ${plan.models.length} model(s)` +
          (out === '-' ? '' : ` to ${resolve(out)}`),
      );
      return 0;
    });
  });
}

if (isDirectRun(import.meta.url)) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
