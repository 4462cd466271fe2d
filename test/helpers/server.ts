/** The real service as a child process (scripts/lib/service-process.ts), plus a strict JSON reader for tests. */
export { runUntilExit, startServer, type RunningServer } from '../../scripts/lib/service-process.js';

export async function json<T = unknown>(res: Response): Promise<T> {
  const text = await res.text();
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error(`not JSON (status ${res.status}): ${text.slice(0, 500)}`);
  }
}
