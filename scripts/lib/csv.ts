/**
 * Just enough CSV (RFC 4180) for history files: comma-separated, fields optionally in double quotes, `""`
 * for a quote inside a quoted field, quoted fields may span lines. Cells of context columns are typed by the
 * feature schema, because CSV has no types of its own.
 */
import type { FeatureSpec } from '../../src/core/encoding.js';

/**
 * Splits one CSV record. `open` is true when the text ends inside a quoted field: the caller appends a
 * newline and the next physical line and parses again (rare, so re-parsing the record is fine).
 */
export function parseCsvRecord(text: string): { cells: string[]; open: boolean } {
  const cells: string[] = [];
  let cell = '';
  let inQuotes = false;
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (inQuotes) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i += 2;
          continue;
        }
        inQuotes = false;
      } else {
        cell += ch;
      }
    } else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else if (ch === '"' && cell === '') {
      inQuotes = true;
    } else {
      // A stray quote inside an unquoted field is kept literally (lenient, like most readers).
      cell += ch;
    }
    i += 1;
  }
  cells.push(cell);
  return { cells, open: inQuotes };
}

const TRUE_WORDS = new Set(['true', '1', 'yes']);
const FALSE_WORDS = new Set(['false', '0', 'no']);

/**
 * The context value of one CSV cell under its feature's declared type. An empty cell is a missing value
 * (`undefined`; an empty set for `set` features). A cell that does not parse as its type is passed through as
 * the (trimmed) string, so the encoder reports it with the feature's field name like any other wrong type.
 * Set members are separated by `|`.
 */
export function csvCellValue(spec: FeatureSpec | undefined, cell: string): unknown {
  const text = cell.trim();
  if (spec?.type === 'set') return text === '' ? [] : text.split('|').map((m) => m.trim()).filter((m) => m !== '');
  if (text === '') return undefined;
  if (spec === undefined || spec.type === 'categorical') return text;
  if (spec.type === 'numeric') {
    const n = Number(text);
    return Number.isFinite(n) ? n : text;
  }
  const lower = text.toLowerCase();
  if (TRUE_WORDS.has(lower)) return true;
  if (FALSE_WORDS.has(lower)) return false;
  return text;
}
