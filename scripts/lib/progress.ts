/**
 * A one-line progress bar on stderr for long script work. It is drawn only when stderr is a terminal (or
 * the user asked with `--progress`), redrawn at most every `MIN_REDRAW_MS`, and always ends with one summary
 * line — so logs and CI output get a single line instead of a wall of carriage returns.
 */
import type { OutputStream } from './args.js';

/** At most ~10 redraws a second: fast enough to look live, cheap enough not to slow the work. */
export const MIN_REDRAW_MS = 100;
const BAR_WIDTH = 28;

export interface Progress {
  /** Sets the amount done (in the bar's unit; monotone). */
  update(done: number, total?: number): void;
  /** Adds `n` to the amount done. */
  tick(n?: number): void;
  /** Clears the bar and writes the summary line (always, TTY or not). */
  finish(summary: string): void;
}

export interface ProgressOptions {
  label: string;
  /** Total amount of work in `unit`s, when known (draws a bar and a percentage). */
  total?: number;
  unit: string;
  stream: OutputStream;
  /** Draw even when the stream is not a TTY (`--progress`). */
  force?: boolean;
  /** Clock in ms (injected for tests). */
  now?: () => number;
  /** Formats amounts (e.g. bytes as MiB); default: integer with thousands separators. */
  format?: (n: number) => string;
  /** Extra text at the end of the bar (e.g. rows read so far while the bar counts bytes). */
  detail?: () => string;
}

const defaultFormat = (n: number): string => Math.round(n).toLocaleString('en-US');

export function createProgress(options: ProgressOptions): Progress {
  const now = options.now ?? (() => performance.now());
  const format = options.format ?? defaultFormat;
  const enabled = options.force === true || options.stream.isTTY === true;
  const started = now();
  let total = options.total;
  let done = 0;
  let lastDraw = Number.NEGATIVE_INFINITY;
  let drawn = false;

  const draw = (): void => {
    const elapsedS = Math.max((now() - started) / 1000, 1e-9);
    const unit = options.unit === '' ? '' : ` ${options.unit}`;
    const parts = [options.label];
    if (total !== undefined && total > 0) {
      const fraction = Math.min(1, done / total);
      const filled = Math.round(fraction * BAR_WIDTH);
      parts.push(`[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]`, `${(fraction * 100).toFixed(0).padStart(3)}%`);
      parts.push(`${format(done)}/${format(total)}${unit}`);
    } else {
      parts.push(`${format(done)}${unit}`);
    }
    parts.push(`${format(done / elapsedS)}${unit}/s`);
    if (options.detail) parts.push(options.detail());
    options.stream.write(`\r\x1b[K${parts.join(' ')}`);
    drawn = true;
  };

  const maybeDraw = (): void => {
    if (!enabled) return;
    const t = now();
    if (t - lastDraw < MIN_REDRAW_MS) return;
    lastDraw = t;
    draw();
  };

  return {
    update(value, newTotal) {
      done = value;
      if (newTotal !== undefined) total = newTotal;
      maybeDraw();
    },
    tick(n = 1) {
      done += n;
      maybeDraw();
    },
    finish(summary) {
      if (drawn) options.stream.write('\r\x1b[K');
      const seconds = ((now() - started) / 1000).toFixed(1);
      options.stream.write(`${options.label}: ${summary} (${seconds}s)\n`);
    },
  };
}

/** Bytes as MiB with one decimal, for file-reading progress. */
export function formatMiB(bytes: number): string {
  return `${(bytes / 1024 ** 2).toFixed(1)}MiB`;
}
