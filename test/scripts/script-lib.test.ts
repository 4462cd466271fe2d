import { describe, expect, it } from 'vitest';
import { csvCellValue, parseCsvRecord } from '../../scripts/lib/csv.js';
import { checkHistoryRow, inferHistoryFormat } from '../../scripts/lib/history.js';
import { createProgress, MIN_REDRAW_MS } from '../../scripts/lib/progress.js';

describe('parseCsvRecord', () => {
  it('splits plain, quoted and escaped-quote cells', () => {
    expect(parseCsvRecord('a,"b,c","say ""hi""",,d')).toEqual({ cells: ['a', 'b,c', 'say "hi"', '', 'd'], open: false });
  });

  it('reports a quoted field left open at the end of the line, and completes it with the next line', () => {
    expect(parseCsvRecord('a,"multi').open).toBe(true);
    expect(parseCsvRecord('a,"multi\nline",b')).toEqual({ cells: ['a', 'multi\nline', 'b'], open: false });
  });
});

describe('csvCellValue', () => {
  it('types cells by the declared feature', () => {
    expect(csvCellValue({ name: 'age', type: 'numeric' }, ' 42.5 ')).toBe(42.5);
    expect(csvCellValue({ name: 'age', type: 'numeric' }, 'old')).toBe('old');
    expect(csvCellValue({ name: 'age', type: 'numeric' }, '')).toBeUndefined();
    expect(csvCellValue({ name: 'vip', type: 'boolean' }, 'TRUE')).toBe(true);
    expect(csvCellValue({ name: 'vip', type: 'boolean' }, '0')).toBe(false);
    expect(csvCellValue({ name: 'vip', type: 'boolean' }, 'maybe')).toBe('maybe');
    expect(csvCellValue({ name: 'p', type: 'set', values: ['a'] }, 'a| b ||c')).toEqual(['a', 'b', 'c']);
    expect(csvCellValue({ name: 'p', type: 'set', values: ['a'] }, '')).toEqual([]);
    expect(csvCellValue({ name: 's', type: 'categorical', values: ['x'] }, '7')).toBe('7');
    expect(csvCellValue(undefined, 'free text')).toBe('free text');
  });
});

describe('history rows', () => {
  it('infers the format from the extension', () => {
    expect(inferHistoryFormat('a/b.JSONL')).toBe('jsonl');
    expect(inferHistoryFormat('h.ndjson')).toBe('jsonl');
    expect(inferHistoryFormat('h.csv')).toBe('csv');
    expect(inferHistoryFormat('h.txt')).toBeUndefined();
  });

  it('checks the fixed fields and attributes rows to --action', () => {
    const raw = { line: 3, context: { age: 30 }, channel: 'app', actionId: undefined, outcome: 'ignore', reward: undefined };
    expect(checkHistoryRow(raw, 'a1')).toEqual({
      kind: 'row',
      row: { line: 3, actionId: 'a1', channel: 'app', outcome: 'ignore', reward: null, context: { age: 30 } },
    });
    expect(checkHistoryRow({ ...raw, actionId: 'a2' }, 'a1')).toEqual({ kind: 'other-action' });
    const bad = checkHistoryRow({ ...raw, channel: 7, outcome: 'yes', reward: 'lots' }, undefined);
    expect(bad.kind === 'invalid' && bad.problems.map((p) => p.field)).toEqual(['actionId', 'channel', 'outcome', 'reward']);
  });
});

describe('createProgress', () => {
  function stream(isTTY: boolean) {
    const writes: string[] = [];
    return { writes, isTTY, write: (s: string) => writes.push(s) };
  }

  it('redraws at most once per MIN_REDRAW_MS on a TTY and ends with one summary line', () => {
    let t = 0;
    const s = stream(true);
    const p = createProgress({ label: 'job', total: 100, unit: 'rows', stream: s, now: () => t });
    for (let i = 0; i < 100; i += 1) {
      t += MIN_REDRAW_MS / 10;
      p.tick();
    }
    // 100 ticks over 10 redraw intervals: at most 11 bars (the first tick draws immediately).
    const bars = s.writes.filter((w) => w.startsWith('\r\x1b[Kjob ['));
    expect(bars.length).toBeGreaterThanOrEqual(9);
    expect(bars.length).toBeLessThanOrEqual(11);
    expect(bars.at(-1)).toContain('rows');
    p.finish('100 rows done');
    expect(s.writes.at(-2)).toBe('\r\x1b[K');
    expect(s.writes.at(-1)).toBe('job: 100 rows done (1.0s)\n');
  });

  it('writes only the summary line when the stream is not a TTY, and draws with force', () => {
    const quiet = stream(false);
    const p = createProgress({ label: 'job', unit: 'rows', stream: quiet, now: () => 0 });
    p.update(50);
    p.finish('done');
    expect(quiet.writes).toEqual(['job: done (0.0s)\n']);

    const forced = stream(false);
    const q = createProgress({ label: 'job', unit: 'rows', stream: forced, force: true, now: () => 0 });
    q.update(50);
    expect(forced.writes[0]).toContain('job 50 rows');
  });
});
