import { describe, expect, it } from 'vitest';
import { formatIsoDuration, parseIsoDuration } from '../../../src/personalizer/core/iso-duration.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe('parseIsoDuration', () => {
  it.each<[string, number]>([
    ['PT10M', 10 * M],
    ['PT5S', 5 * S],
    ['P1D', D],
    ['P2D', 2 * D],
    ['P2DT3H', 2 * D + 3 * H],
    ['PT0.5S', 500],
    ['PT0,5S', 500],
    ['PT1H30M', H + 30 * M],
    ['PT1H30M15S', H + 30 * M + 15 * S],
    ['P1W', 7 * D],
    ['PT0S', 0],
    ['P0D', 0],
    ['PT48H', 2 * D],
    ['PT1.5M', 90 * S],
    ['00:10:00', 10 * M],
    ['00:00:05', 5 * S],
    ['1.00:00:00', D],
    ['2.03:04:05', 2 * D + 3 * H + 4 * M + 5 * S],
    ['00:00:00.5', 500],
    ['00:00:01.0000001', 1000],
    ['01:30', H + 30 * M],
  ])('%s → %d ms', (text, ms) => {
    expect(parseIsoDuration(text)).toBe(ms);
  });

  it.each<[unknown]>([
    ['10m'],
    ['PT'],
    ['P'],
    ['P1DT'],
    ['-PT5M'],
    ['PT5MS'],
    ['P1Y'],
    ['P1M'],
    ['P1Y2M'],
    ['pt5m'],
    ['PT5M '],
    [' PT5M'],
    ['PT1S1M'],
    ['T5M'],
    ['5'],
    [''],
    ['24:00:00'],
    ['00:60:00'],
    ['00:00:60'],
    ['-00:10:00'],
    ['1:2:3'],
    [600000],
    [null],
    [undefined],
    [{}],
  ])('%j → undefined', (text) => {
    expect(parseIsoDuration(text)).toBeUndefined();
  });
});

describe('formatIsoDuration', () => {
  it.each<[number, string]>([
    [10 * M, 'PT10M'],
    [5 * S, 'PT5S'],
    [D, 'P1D'],
    [2 * D + 3 * H, 'P2DT3H'],
    [500, 'PT0.5S'],
    [H + 30 * M, 'PT1H30M'],
    [D + H + M + 1500, 'P1DT1H1M1.5S'],
    [0, 'PT0S'],
  ])('%d ms → %s', (ms, text) => {
    expect(formatIsoDuration(ms)).toBe(text);
  });

  it('round-trips through parseIsoDuration', () => {
    for (const ms of [0, 1, 999, 5 * S, 59 * S + 1, 10 * M, 2 * D, 3 * D + 7 * H + 11 * M + 13 * S + 17]) {
      expect(parseIsoDuration(formatIsoDuration(ms))).toBe(ms);
    }
  });

  it('refuses negative and non-finite durations', () => {
    expect(() => formatIsoDuration(-1)).toThrow(RangeError);
    expect(() => formatIsoDuration(Number.NaN)).toThrow(RangeError);
    expect(() => formatIsoDuration(Infinity)).toThrow(RangeError);
  });
});
