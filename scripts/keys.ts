/**
 * `npm run keys -- create --role <role> --name <name> | list | revoke <keyId> | generate` — manages API keys in the
 * database file, also while the service runs: every running service enforces a new key, and refuses a revoked one,
 * within 1 s (it polls the keys table every 250 ms). The same key service as `/v1/keys`.
 */
import { createSqliteKeyStore } from '../db/stores/api-keys.js';
import { createKeyService, type ApiKeyView } from '../src/access/key-service.js';
import { generateKey, KEY_NAME_PATTERN, KEY_NAME_RULE, ROLES, type Role } from '../src/access/keys.js';
import { AppError } from '../src/errors.js';
import {
  COMMON_OPTIONS,
  COMMON_USAGE,
  isDirectRun,
  PROCESS_IO,
  requireString,
  runCli,
  runScript,
  ScriptFailure,
  type ScriptIo,
  UsageError,
} from './lib/args.js';
import { resolveDbFile, scriptConfig, withStore } from './lib/open-store.js';

const HELP_COMMAND = 'npm run keys -- --help';

const USAGE = `Usage: npm run keys -- <command> [options]

Manages the API keys of a Kairos database (DESIGN.md §10). Roles: app (decisions, feedback),
analyst (every read), ops (everything, keys included). A running service picks changes up within 1 s.

Commands:
  create --role <role> --name <name>   create a key; the key is printed once, on stdout, and never again
  list [--json]                        every key, active and revoked, without secrets
  revoke <keyId>                       revoke a key (again: no change)
  generate                             print a new random key without storing it (for KAIROS_BOOTSTRAP_OPS_KEY)

Options:
  --role <role>      app, analyst or ops
  --name <name>      a label for listings: 1–64 letters, digits, space, _ . : @ -
  --json             list as JSON
${COMMON_USAGE}

Examples:
  npm run keys -- create --role app --name web
  KEY=$(npm run -s keys -- create --role ops --name admin --data-dir /var/lib/kairos)
  npm run keys -- list
  npm run keys -- revoke key_Zm9vYmFyYmF6cXV4
`;

const OPTIONS = {
  ...COMMON_OPTIONS,
  role: { type: 'string' },
  name: { type: 'string' },
  json: { type: 'boolean' },
} as const;

const COMMANDS = ['create', 'list', 'revoke', 'generate'] as const;
type Command = (typeof COMMANDS)[number];

function table(keys: ApiKeyView[]): string {
  const rows = [['KEY ID', 'NAME', 'ROLE', 'PREFIX', 'CREATED', 'REVOKED']];
  for (const k of keys) rows.push([k.keyId, k.name, k.role, `${k.prefix}…`, k.createdAt, k.revokedAt ?? '-']);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row) => row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n') + '\n';
}

export async function main(
  argv: string[],
  io: ScriptIo = PROCESS_IO,
  env: Record<string, string | undefined> = process.env,
): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first.startsWith('-')) {
    if (first === '--help' || first === '-h') {
      io.stdout.write(USAGE);
      return 0;
    }
    return runScript(io, HELP_COMMAND, () => {
      throw new UsageError(`missing command: one of ${COMMANDS.join(', ')}`);
    });
  }
  if (!(COMMANDS as readonly string[]).includes(first)) {
    return runScript(io, HELP_COMMAND, () => {
      throw new UsageError(`unknown command '${first}': use one of ${COMMANDS.join(', ')}`);
    });
  }
  const command = first as Command;
  // revoke takes the key id as its one positional argument; every other argument is an option.
  let keyId: string | undefined;
  let options = rest;
  if (command === 'revoke' && rest[0] !== undefined && !rest[0].startsWith('-')) [keyId, ...options] = rest;

  return runCli(options, io, { options: OPTIONS, usage: USAGE, helpCommand: HELP_COMMAND }, (values) => {
    if (command === 'generate') {
      io.stdout.write(`${generateKey()}\n`);
      return 0;
    }
    if (command !== 'create' && (values.role !== undefined || values.name !== undefined)) {
      throw new UsageError(`--role and --name belong to create, not ${command}`);
    }
    let role: Role | undefined;
    let name: string | undefined;
    if (command === 'create') {
      const roleText = requireString(values.role, 'role');
      role = ROLES.find((r) => r === roleText);
      if (!role) throw new UsageError(`--role must be one of ${ROLES.join(', ')}, got ${JSON.stringify(roleText)}`);
      name = requireString(values.name, 'name');
      if (!KEY_NAME_PATTERN.test(name)) throw new UsageError(`--name ${KEY_NAME_RULE}, got ${JSON.stringify(name)}`);
    }
    if (command === 'revoke' && keyId === undefined) throw new UsageError('revoke needs the key id: revoke <keyId>');

    const config = scriptConfig(env);
    const dbFile = resolveDbFile(values, config);
    // create may prepare a database before the service's first start (a keyed deployment starts keyed);
    // list and revoke on a missing file are typos.
    const mustExist = command !== 'create';
    return withStore(dbFile, { mustExist, synchronous: config.synchronous }, (db) => {
      const keys = createKeyService({ store: createSqliteKeyStore(db), now: Date.now });
      if (command === 'create') {
        const created = keys.create(name!, role!);
        // The key alone on stdout, so `KEY=$(npm run -s keys -- create …)` captures exactly it.
        io.stdout.write(`${created.key}\n`);
        io.stderr.write(
          `created ${created.keyId} (name ${created.name}, role ${created.role}). ` +
            'The key above is shown only now: store it in your secret manager.\n',
        );
        return 0;
      }
      if (command === 'list') {
        const all = keys.list();
        io.stdout.write(values.json ? `${JSON.stringify(all, null, 2)}\n` : all.length > 0 ? table(all) : 'no API keys\n');
        return 0;
      }
      try {
        const before = keys.list().find((k) => k.keyId === keyId);
        const revoked = keys.revoke(keyId!);
        io.stdout.write(
          before?.revokedAt
            ? `${revoked.keyId} (${revoked.name}) was already revoked at ${revoked.revokedAt}\n`
            : `revoked ${revoked.keyId} (name ${revoked.name}, role ${revoked.role}); running services refuse it within 1 s\n`,
        );
        return 0;
      } catch (error) {
        if (error instanceof AppError && error.code === 'not_found') throw new ScriptFailure(error.message);
        throw error;
      }
    });
  });
}

if (isDirectRun(import.meta.url)) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
