/**
 * Streaming reader for outcome history files (warm-start input), one record at a time so a file of any size
 * fits in memory.
 *
 * JSONL: one object per line: `{"context": {...}, "channel": "app", "actionId": "a1", "outcome": "response",
 * "reward": 12.5}` (`actionId` and `reward` optional).
 * CSV: a header naming `channel`, `outcome`, optionally `actionId` and `reward`; every other column is a
 * context feature, typed by the feature schema (see csv.ts).
 */
import { createReadStream } from 'node:fs';
import { extname } from 'node:path';
import { createInterface } from 'node:readline';
import type { FeatureSpec } from '../../src/core/encoding.js';
import type { FieldProblem } from '../../src/errors.js';
import { ScriptFailure } from './args.js';
import { csvCellValue, parseCsvRecord } from './csv.js';

export type HistoryFormat = 'jsonl' | 'csv';

/** One record as read, fields not yet checked. `line` is the 1-based line where the record starts. */
export interface RawHistoryRow {
  line: number;
  context: unknown;
  channel: unknown;
  actionId: unknown;
  outcome: unknown;
  reward: unknown;
}

export type HistoryItem =
  | { kind: 'row'; row: RawHistoryRow }
  | { kind: 'invalid'; line: number; problems: FieldProblem[] };

/** A checked record, ready to encode. */
export interface HistoryRow {
  line: number;
  actionId: string;
  channel: string;
  outcome: 'response' | 'ignore';
  reward: number | null;
  context: Record<string, unknown>;
}

const RESERVED_COLUMNS = new Set(['channel', 'actionId', 'outcome', 'reward']);

/** The format implied by a file name, or undefined when the extension says nothing. */
export function inferHistoryFormat(file: string): HistoryFormat | undefined {
  const ext = extname(file).toLowerCase();
  if (ext === '.jsonl' || ext === '.ndjson' || ext === '.json') return 'jsonl';
  if (ext === '.csv') return 'csv';
  return undefined;
}

export interface ReadHistoryOptions {
  format: HistoryFormat;
  features: readonly FeatureSpec[];
  /** Whether a CSV file must have an `actionId` column (it may be absent when `--action` names the action). */
  requireActionColumn: boolean;
  /** Called with the bytes consumed so far (for a progress bar). */
  onBytes?: (bytes: number) => void;
}

/**
 * Yields the file's records in order. Malformed lines come out as `invalid` items (the caller decides whether
 * to skip or abort); a file that cannot be read or a CSV header that lacks a required column throws a
 * ScriptFailure.
 */
export async function* readHistory(file: string, options: ReadHistoryOptions): AsyncGenerator<HistoryItem> {
  const stream = createReadStream(file, { encoding: 'utf8' });
  const opened = new Promise<void>((resolveOpen, rejectOpen) => {
    stream.once('open', () => resolveOpen());
    stream.once('error', (error) => rejectOpen(new ScriptFailure(`cannot read ${file}: ${error.message}`)));
  });
  await opened;
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  const specs = new Map(options.features.map((f) => [f.name, f]));
  let lineNo = 0;
  let bytes = 0;
  let header: string[] | undefined;
  let pending: { text: string; start: number } | undefined;
  try {
    for await (const rawLine of lines) {
      lineNo += 1;
      bytes += Buffer.byteLength(rawLine, 'utf8') + 1;
      options.onBytes?.(bytes);
      const line = lineNo === 1 ? rawLine.replace(/^\uFEFF/, '') : rawLine;
      if (options.format === 'jsonl') {
        if (line.trim() === '') continue;
        yield jsonlItem(line, lineNo);
        continue;
      }
      const text = pending ? `${pending.text}\n${line}` : line;
      const start = pending ? pending.start : lineNo;
      const { cells, open } = parseCsvRecord(text);
      if (open) {
        pending = { text, start };
        continue;
      }
      pending = undefined;
      if (text.trim() === '') continue;
      if (!header) {
        header = checkCsvHeader(cells, options.requireActionColumn, file);
        continue;
      }
      yield csvItem(header, cells, start, specs);
    }
    if (pending) yield { kind: 'invalid', line: pending.start, problems: [{ field: 'line', message: 'unterminated quoted field' }] };
    if (options.format === 'csv' && !header) throw new ScriptFailure(`${file} is empty (a CSV history needs a header line)`);
  } finally {
    lines.close();
    stream.destroy();
  }
}

function jsonlItem(line: string, lineNo: number): HistoryItem {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch (error) {
    return { kind: 'invalid', line: lineNo, problems: [{ field: 'line', message: `invalid JSON (${(error as Error).message})` }] };
  }
  if (!isPlainObject(parsed)) {
    return { kind: 'invalid', line: lineNo, problems: [{ field: 'line', message: 'must be a JSON object' }] };
  }
  return {
    kind: 'row',
    row: {
      line: lineNo,
      context: parsed.context,
      channel: parsed.channel,
      actionId: parsed.actionId,
      outcome: parsed.outcome,
      reward: parsed.reward,
    },
  };
}

function checkCsvHeader(cells: string[], requireActionColumn: boolean, file: string): string[] {
  const header = cells.map((c) => c.trim());
  const required = ['channel', 'outcome', ...(requireActionColumn ? ['actionId'] : [])];
  const missing = required.filter((name) => !header.includes(name));
  if (missing.length > 0) {
    const hint = missing.includes('actionId') ? ' (or name the action with --action)' : '';
    throw new ScriptFailure(`${file}: the CSV header lacks column(s) ${missing.join(', ')}${hint}`);
  }
  const seen = new Set<string>();
  for (const name of header) {
    if (seen.has(name)) throw new ScriptFailure(`${file}: the CSV header names column '${name}' twice`);
    seen.add(name);
  }
  return header;
}

function csvItem(header: string[], cells: string[], line: number, specs: Map<string, FeatureSpec>): HistoryItem {
  if (cells.length !== header.length) {
    return {
      kind: 'invalid',
      line,
      problems: [{ field: 'line', message: `has ${cells.length} cells, the header has ${header.length}` }],
    };
  }
  const context: Record<string, unknown> = {};
  const fixed: Record<string, string> = {};
  header.forEach((name, i) => {
    const cell = cells[i]!;
    if (RESERVED_COLUMNS.has(name)) {
      fixed[name] = cell.trim();
      return;
    }
    const value = csvCellValue(specs.get(name), cell);
    if (value !== undefined) context[name] = value;
  });
  const reward = fixed.reward === undefined || fixed.reward === '' ? undefined : Number(fixed.reward);
  return {
    kind: 'row',
    row: {
      line,
      context,
      channel: fixed.channel,
      actionId: fixed.actionId === '' ? undefined : fixed.actionId,
      outcome: fixed.outcome,
      // Keep the raw text when it is not a number, so the row check names the field.
      reward: reward === undefined || Number.isFinite(reward) ? reward : fixed.reward,
    },
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export type CheckedRow =
  | { kind: 'row'; row: HistoryRow }
  /** The row names another action than `--action`. */
  | { kind: 'other-action' }
  | { kind: 'invalid'; problems: FieldProblem[] };

/**
 * Checks a record's fixed fields. With `fixedActionId` (`--action`), rows without an actionId are attributed
 * to it and rows of other actions are set aside; without it, every row must name its action.
 */
export function checkHistoryRow(raw: RawHistoryRow, fixedActionId: string | undefined): CheckedRow {
  const problems: FieldProblem[] = [];
  let actionId: string | undefined;
  const rawAction = raw.actionId;
  if (rawAction === undefined || rawAction === null || rawAction === '') {
    if (fixedActionId === undefined) problems.push({ field: 'actionId', message: 'is required (or name the action with --action)' });
    actionId = fixedActionId;
  } else if (typeof rawAction !== 'string') {
    problems.push({ field: 'actionId', message: 'must be a string' });
  } else if (fixedActionId !== undefined && rawAction !== fixedActionId) {
    return { kind: 'other-action' };
  } else {
    actionId = rawAction;
  }
  if (typeof raw.channel !== 'string' || raw.channel.trim() === '') {
    problems.push({ field: 'channel', message: 'must be a non-empty string' });
  }
  if (raw.outcome !== 'response' && raw.outcome !== 'ignore') {
    problems.push({ field: 'outcome', message: "must be 'response' or 'ignore'" });
  }
  let reward: number | null = null;
  if (raw.reward !== undefined && raw.reward !== null) {
    if (typeof raw.reward === 'number' && Number.isFinite(raw.reward)) reward = raw.reward;
    else problems.push({ field: 'reward', message: 'must be a finite number when given' });
  }
  let context: Record<string, unknown> = {};
  if (raw.context !== undefined) {
    if (isPlainObject(raw.context)) context = raw.context;
    else problems.push({ field: 'context', message: 'must be an object' });
  }
  if (problems.length > 0 || actionId === undefined) return { kind: 'invalid', problems };
  return {
    kind: 'row',
    row: {
      line: raw.line,
      actionId,
      channel: raw.channel as string,
      outcome: raw.outcome as 'response' | 'ignore',
      reward,
      context,
    },
  };
}
