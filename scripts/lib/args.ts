/**
 * What every ops script shares: its I/O seam, the two kinds of failure and their exit codes, the common
 * options, and the run-directly check.
 *
 * Exit codes: 0 done; 1 the work failed (unknown action, bad file, conflicting write); 2 bad or missing arguments.
 */
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { pathToFileURL } from 'node:url';

/** The part of a stream a script writes to; `isTTY` decides whether a progress bar is drawn. */
export interface OutputStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

export interface ScriptIo {
  stdout: OutputStream;
  stderr: OutputStream;
}

/** Bad or missing arguments: exit 2 with a usage hint. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** An expected failure of the work itself (unknown action, invalid file, …): exit 1 with the message. */
export class ScriptFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScriptFailure';
  }
}

/** Options every script accepts (spread into each script's `parseArgs` options). */
export const COMMON_OPTIONS = {
  'data-dir': { type: 'string' },
  db: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const COMMON_USAGE = `Database (one of):
  --data-dir <dir>   directory holding kairos.db (default: $KAIROS_DATA_DIR or ./data)
  --db <file>        the SQLite file itself
  -h, --help         this help`;

/**
 * Runs node:util parseArgs (strict, no positionals) and turns its TypeError — whose message names the
 * offending option, e.g. "Unknown option '--acton'" — into a UsageError.
 */
export function parseOrUsage<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/** A required string option; UsageError naming it when absent or empty. */
export function requireString(value: string | undefined, option: string): string {
  if (value === undefined || value.trim() === '') throw new UsageError(`missing required option --${option}`);
  return value;
}

/** A positive integer option (e.g. `--batch 1000`); UsageError naming it when malformed. */
export function positiveInt(value: string | undefined, option: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isSafeInteger(n) || n < 1) {
    throw new UsageError(`--${option} must be a positive integer, got ${JSON.stringify(value)}`);
  }
  return n;
}

/**
 * Runs a script body and maps its failure to an exit code: UsageError → 2 (message + how to get help),
 * ScriptFailure → 1 (message), anything else → 1 (stack, since it is a bug or an environment problem).
 */
export async function runScript(io: ScriptIo, helpCommand: string, body: () => Promise<number> | number): Promise<number> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`error: ${error.message}\nRun \`${helpCommand}\` for usage.\n`);
      return 2;
    }
    if (error instanceof ScriptFailure) {
      io.stderr.write(`error: ${error.message}\n`);
      return 1;
    }
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    io.stderr.write(`error: ${text}\n`);
    return 1;
  }
}

/** The process's own streams: every script's default I/O. */
export const PROCESS_IO: ScriptIo = { stdout: process.stdout, stderr: process.stderr };

/** The values node:util parseArgs yields for `options` in strict mode without positionals. */
export type ParsedOptions<O extends ParseArgsOptionsConfig> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O; strict: true; allowPositionals: false }>
>['values'];

/**
 * The shared shape of a script's `main`: parse `argv` strictly (a bad option is a UsageError → exit 2), answer
 * `--help` with `usage`, otherwise run `body` with the parsed values under `runScript`'s exit-code mapping.
 */
export function runCli<O extends ParseArgsOptionsConfig>(
  argv: string[],
  io: ScriptIo,
  spec: { options: O; usage: string; helpCommand: string },
  body: (values: ParsedOptions<O>) => Promise<number> | number,
): Promise<number> {
  return runScript(io, spec.helpCommand, async () => {
    const values = parseOrUsage(() => parseArgs({ args: argv, options: spec.options, strict: true, allowPositionals: false }).values);
    if ((values as { help?: boolean }).help) {
      io.stdout.write(spec.usage);
      return 0;
    }
    return body(values);
  });
}

/** Whether the module at `moduleUrl` is the process entry point (`tsx scripts/x.ts`), not an import. */
export function isDirectRun(moduleUrl: string): boolean {
  const entry = process.argv[1];
  return entry !== undefined && moduleUrl === pathToFileURL(entry).href;
}
