/** The real service as a child process (scripts/lib/service-process.ts), plus a strict JSON reader for tests. */
export { runUntilExit, startServer, type RunningServer } from '../../scripts/lib/service-process.js';
import type { RunningServer } from '../../scripts/lib/service-process.js';

export async function json<T = unknown>(res: Response): Promise<T> {
  const text = await res.text();
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error(`not JSON (status ${res.status}): ${text.slice(0, 500)}`);
  }
}

/**
 * Resolves once `count` of the server's log lines satisfy `predicate`: a line is written before its answer is sent,
 * but it travels through a pipe, so it can arrive here after the answer. Waits on the stdout stream, not a clock;
 * gives up (returning what it has) after `timeoutMs`.
 */
export async function untilLogged(
  server: RunningServer,
  predicate: (line: Record<string, unknown>) => boolean,
  count: number,
  timeoutMs = 10_000,
): Promise<Record<string, unknown>[]> {
  const deadline = Date.now() + timeoutMs;
  let lines = server.logs.filter(predicate);
  while (lines.length < count && Date.now() < deadline) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, deadline - Date.now());
      server.child.stdout!.once('data', () => {
        clearTimeout(timer);
        // The 'data' listener that parses lines runs first (it was attached first).
        setImmediate(resolve);
      });
    });
    lines = server.logs.filter(predicate);
  }
  return lines;
}
