/** A pino logger that keeps every line it writes as parsed JSON, for tests that assert on logs. */
import { Writable } from 'node:stream';
import { pino } from 'pino';

export function captureLogger(level = 'info'): { logger: pino.Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level }, stream), lines };
}
