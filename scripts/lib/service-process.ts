/**
 * Runs the real service (`src/main.ts` under tsx) as a child process on 127.0.0.1 with an ephemeral port, the way
 * `npm start` does, and reads its pino lines to learn the port (and, unless told not to, to keep them for
 * inspection). Used by the end-to-end tests and by `bench:regret -- --http`.
 */
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A child's exit: its code, or the signal that killed it. */
export type ServiceExit = { code: number | null; signal: NodeJS.Signals | null };

/** `src/main.ts` under tsx, as `npm start` runs it, on 127.0.0.1 with an ephemeral port and this data directory. */
export function spawnService(dataDir: string, env: Record<string, string>, stdio: StdioOptions): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', KAIROS_DATA_DIR: dataDir, ...env },
    stdio,
  });
}

export interface RunningServer {
  url: string;
  child: ChildProcess;
  /** Every JSON log line so far (empty when started with `keepLogs: false`). */
  logs: Record<string, unknown>[];
  /** Resolves when the process has exited: its exit code, or the signal that killed it. */
  exited: Promise<ServiceExit>;
  stop(signal?: NodeJS.Signals): Promise<ServiceExit>;
}

export async function startServer(
  dataDir: string,
  env: Record<string, string> = {},
  options: { keepLogs?: boolean } = {},
): Promise<RunningServer> {
  const keepLogs = options.keepLogs ?? true;
  const child = spawnService(dataDir, { LOG_LEVEL: 'info', KAIROS_WORKERS: '2', ...env }, ['ignore', 'pipe', 'pipe']);
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  const exited = new Promise<ServiceExit>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const url = await new Promise<string>((resolve, reject) => {
    let buffered = '';
    let listening = false;
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      // Once listening, a caller that keeps no logs drops the rest (the stream must still be read).
      if (listening && !keepLogs) return;
      buffered += chunk;
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        try {
          const entry = JSON.parse(line) as Record<string, unknown>;
          if (keepLogs) logs.push(entry);
          if (entry.msg === 'kairos listening') {
            listening = true;
            resolve(String(entry.url));
          }
        } catch {
          // not a log line
        }
      }
    });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      stderr += chunk;
    });
    void exited.then(({ code, signal }) =>
      reject(new Error(`server exited before listening (code ${code}, signal ${signal}): ${stderr.slice(-2000)}`)),
    );
  });
  return {
    url,
    child,
    logs,
    exited,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Runs the service until it exits on its own (e.g. a fault-injection crash); resolves to how it exited. */
export async function runUntilExit(
  dataDir: string,
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<ServiceExit> {
  const child = spawnService(dataDir, { LOG_LEVEL: 'warn', ...env }, 'ignore');
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
}
