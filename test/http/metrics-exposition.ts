/**
 * A small strict parser of the Prometheus text exposition format 0.0.4
 * (https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format), for the /metrics tests. It
 * throws on anything the format does not allow or prom-client should never write:
 * - a line that is not `# HELP name text`, `# TYPE name type`, another comment, a sample or empty;
 * - a second HELP or TYPE for one name, a TYPE after the family's first sample, an unknown type;
 * - a sample `name{l="v",…} value [timestamp]` with a bad metric or label name, a bad escape, a repeated label,
 *   a value that is not a float / ±Inf / NaN, or the same name and labels twice;
 * - a sample whose family has no TYPE line (a histogram's `_bucket` / `_sum` / `_count` belong to it), a
 *   histogram bucket without `le`, buckets that decrease, a +Inf bucket that differs from `_count`, no `_sum`;
 * - a negative counter.
 */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  help: string | undefined;
  samples: Sample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

function fail(lineNo: number, line: string, why: string): never {
  throw new Error(`exposition line ${lineNo}: ${why}: ${JSON.stringify(line)}`);
}

/**
 * Prometheus reads a value with Go's strconv.ParseFloat, which takes NaN and Inf in any case: prom-client writes
 * `Nan` (the event-loop delay's mean before its first sample), so the check follows the reader, not the spec's
 * spelling.
 */
function parseValue(text: string, lineNo: number, line: string): number {
  if (/^\+?inf(inity)?$/i.test(text)) return Number.POSITIVE_INFINITY;
  if (/^-inf(inity)?$/i.test(text)) return Number.NEGATIVE_INFINITY;
  if (/^nan$/i.test(text)) return Number.NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) fail(lineNo, line, `not a float: ${text}`);
  return Number(text);
}

/** `{a="x",b="y\"z"}` starting at `start` (the `{`); returns the labels and the index after `}`. */
function parseLabels(line: string, start: number, lineNo: number): { labels: Record<string, string>; end: number } {
  const labels: Record<string, string> = {};
  let i = start + 1;
  while (line[i] !== '}') {
    const eq = line.indexOf('=', i);
    if (eq === -1) fail(lineNo, line, 'label without =');
    const name = line.slice(i, eq);
    if (!LABEL_NAME.test(name)) fail(lineNo, line, `bad label name ${name}`);
    if (Object.hasOwn(labels, name)) fail(lineNo, line, `label ${name} twice`);
    if (line[eq + 1] !== '"') fail(lineNo, line, 'label value not quoted');
    let value = '';
    let j = eq + 2;
    for (;;) {
      const ch = line[j];
      if (ch === undefined) fail(lineNo, line, 'unterminated label value');
      if (ch === '"') break;
      if (ch === '\\') {
        const next = line[j + 1];
        if (next === '\\') value += '\\';
        else if (next === '"') value += '"';
        else if (next === 'n') value += '\n';
        else fail(lineNo, line, `bad escape \\${next}`);
        j += 2;
        continue;
      }
      value += ch;
      j += 1;
    }
    labels[name] = value;
    i = j + 1;
    if (line[i] === ',') i += 1;
    else if (line[i] !== '}') fail(lineNo, line, 'expected , or } after a label');
  }
  return { labels, end: i + 1 };
}

/** The family a sample name belongs to, given the declared TYPEs. */
function familyOf(name: string, types: Map<string, Family>): Family | undefined {
  const direct = types.get(name);
  if (direct && direct.type !== 'histogram') return direct;
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (!name.endsWith(suffix)) continue;
    const family = types.get(name.slice(0, -suffix.length));
    if (family && (family.type === 'histogram' || (family.type === 'summary' && suffix !== '_bucket'))) return family;
  }
  return undefined;
}

const labelKey = (labels: Record<string, string>, without?: string): string =>
  JSON.stringify(Object.entries(labels).filter(([k]) => k !== without).sort(([a], [b]) => (a < b ? -1 : 1)));

function checkHistogram(family: Family): void {
  const series = new Map<string, { buckets: { le: number; value: number }[]; sum?: number; count?: number }>();
  for (const sample of family.samples) {
    const isBucket = sample.name === `${family.name}_bucket`;
    const key = labelKey(sample.labels, isBucket ? 'le' : undefined);
    let entry = series.get(key);
    if (!entry) series.set(key, (entry = { buckets: [] }));
    if (isBucket) {
      const le = sample.labels.le;
      if (le === undefined) throw new Error(`${family.name}: a bucket without le`);
      entry.buckets.push({ le: le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le), value: sample.value });
    } else if (sample.name === `${family.name}_sum`) entry.sum = sample.value;
    else if (sample.name === `${family.name}_count`) entry.count = sample.value;
    else throw new Error(`${family.name}: unexpected sample ${sample.name}`);
  }
  for (const [key, { buckets, sum, count }] of series) {
    const where = `${family.name}${key}`;
    if (sum === undefined || count === undefined) throw new Error(`${where}: _sum or _count missing`);
    const sorted = [...buckets].sort((a, b) => a.le - b.le);
    if (sorted.at(-1)?.le !== Number.POSITIVE_INFINITY) throw new Error(`${where}: no +Inf bucket`);
    for (let i = 1; i < sorted.length; i += 1) {
      if (sorted[i]!.value < sorted[i - 1]!.value) throw new Error(`${where}: bucket le=${sorted[i]!.le} below le=${sorted[i - 1]!.le}`);
    }
    if (sorted.at(-1)!.value !== count) throw new Error(`${where}: +Inf bucket ${sorted.at(-1)!.value} ≠ _count ${count}`);
  }
}

/** Parses and checks an exposition text; returns its families by name. */
export function parseExposition(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const helps = new Map<string, string>();
  const seen = new Set<string>();
  const sampled = new Set<string>();
  const lines = text.split('\n');
  if (lines.at(-1) !== '') throw new Error('the exposition does not end with a newline');
  lines.forEach((line, index) => {
    const lineNo = index + 1;
    if (line === '') return;
    if (line.startsWith('#')) {
      const match = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
      if (!match) {
        if (line.startsWith('# HELP') || line.startsWith('# TYPE')) fail(lineNo, line, 'malformed HELP/TYPE');
        return; // another comment
      }
      const [, kind, name, rest] = match as unknown as [string, string, string, string];
      if (!METRIC_NAME.test(name)) fail(lineNo, line, `bad metric name ${name}`);
      if (kind === 'HELP') {
        if (helps.has(name)) fail(lineNo, line, 'second HELP');
        helps.set(name, rest);
        const family = families.get(name);
        if (family) family.help = rest;
        return;
      }
      if (families.has(name)) fail(lineNo, line, 'second TYPE');
      if (!TYPES.has(rest)) fail(lineNo, line, `unknown type ${rest}`);
      if (sampled.has(name)) fail(lineNo, line, 'TYPE after the family’s samples');
      families.set(name, { name, type: rest as Family['type'], help: helps.get(name), samples: [] });
      return;
    }
    const brace = line.indexOf('{');
    const space = line.indexOf(' ');
    const nameEnd = brace !== -1 && (space === -1 || brace < space) ? brace : space;
    if (nameEnd <= 0) fail(lineNo, line, 'no metric name');
    const name = line.slice(0, nameEnd);
    if (!METRIC_NAME.test(name)) fail(lineNo, line, `bad metric name ${name}`);
    let labels: Record<string, string> = {};
    let rest = nameEnd;
    if (line[nameEnd] === '{') ({ labels, end: rest } = parseLabels(line, nameEnd, lineNo));
    if (line[rest] !== ' ') fail(lineNo, line, 'no space before the value');
    const parts = line.slice(rest + 1).split(' ');
    if (parts.length > 2 || parts[0] === '') fail(lineNo, line, 'expected `value [timestamp]`');
    if (parts[1] !== undefined && !/^-?\d+$/.test(parts[1])) fail(lineNo, line, 'bad timestamp');
    const value = parseValue(parts[0]!, lineNo, line);
    const family = familyOf(name, families);
    if (!family) fail(lineNo, line, `sample of ${name} has no TYPE line`);
    const key = `${name}${labelKey(labels)}`;
    if (seen.has(key)) fail(lineNo, line, 'duplicate sample');
    seen.add(key);
    sampled.add(family.name);
    if (family.type === 'counter' && !(value >= 0)) fail(lineNo, line, 'a counter below 0');
    family.samples.push({ name, labels, value });
  });
  for (const family of families.values()) if (family.type === 'histogram') checkHistogram(family);
  return families;
}

/** The value of the one sample of `name` whose labels include `labels`; throws when none or several match. */
export function sampleValue(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number {
  const matching: Sample[] = [];
  for (const family of families.values()) {
    for (const sample of family.samples) {
      if (sample.name === name && Object.entries(labels).every(([k, v]) => sample.labels[k] === v)) matching.push(sample);
    }
  }
  if (matching.length !== 1) throw new Error(`${name}${JSON.stringify(labels)}: ${matching.length} samples match`);
  return matching[0]!.value;
}

/** Like `sampleValue`, 0 when no sample matches (a series not yet created is a counter at 0). */
export function counterValue(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number {
  try {
    return sampleValue(families, name, labels);
  } catch (error) {
    if (String(error).includes(': 0 samples match')) return 0;
    throw error;
  }
}
