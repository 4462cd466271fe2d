import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadModel, loadModels, putModel } from '../../db/stores/models.js';
import { encodeContext, type Encoder } from '../../src/core/encoding.js';
import type { Posterior } from '../../src/core/types.js';
import { foldBatch, priorPosterior, targetOf, type LearningPolicy } from '../../src/learner/fold.js';
import { main } from '../../scripts/warm-start.js';
import { captureIo, createFixture, expectSamePosterior, withDb, type Fixture } from './script-fixtures.js';

const POLICY: LearningPolicy = { priorRate: 0.05, forgettingHalfLife: 0, changeDetection: false };

interface Row {
  actionId?: string;
  channel: string;
  outcome: 'response' | 'ignore';
  reward?: number;
  context: Record<string, unknown>;
}

/** A deterministic little history over three actions (one linear, with rewards), some unknown keys included. */
function history(): Row[] {
  const rows: Row[] = [];
  const ids = ['card-upgrade', 'loan-offer', 'card-upgrade', 'cashback', 'card-upgrade'];
  for (let i = 0; i < 30; i += 1) {
    const actionId = ids[i % ids.length]!;
    const row: Row = {
      actionId,
      channel: ['app', 'web', 'branch'][i % 3]!,
      outcome: (i * 7) % 5 < 2 ? 'response' : 'ignore',
      context: {
        age: 18 + ((i * 11) % 70) + 0.5,
        segment: ['mass', 'affluent', 'private'][i % 3]!,
        products: [['card'], ['loan', 'mortgage'], [], ['card', 'savings']][i % 4]!,
        digital: i % 2 === 0,
        ...(i % 6 === 0 ? { tenure: i } : {}),
      },
    };
    if (actionId === 'cashback') row.reward = Math.round(((i % 4) - 1.25) * 1000) / 1000;
    rows.push(row);
  }
  return rows;
}

/** What warm-start must produce: the rows of each action, in order, folded in chunks of `batch` with foldBatch. */
function referenceFold(
  encoder: Encoder,
  policy: LearningPolicy,
  rows: readonly Row[],
  actionId: string,
  start: Posterior,
  batch: number,
): Posterior {
  const d = encoder.dimension;
  const mine = rows.filter((r) => (r.actionId ?? actionId) === actionId);
  let post = start;
  for (let i = 0; i < mine.length; i += batch) {
    const chunk = mine.slice(i, i + batch);
    const x = new Float64Array(chunk.length * d);
    const y = new Float64Array(chunk.length);
    chunk.forEach((r, k) => {
      const { problems } = encodeContext(encoder, r.context, r.channel, x.subarray(k * d, (k + 1) * d));
      expect(problems).toEqual([]);
      y[k] = targetOf(post.likelihood, r.outcome, r.reward ?? null);
    });
    post = foldBatch(policy, post, { n: chunk.length, d, x, y });
  }
  return post;
}

function writeJsonl(fx: Fixture, name: string, lines: readonly (Row | string)[]): string {
  const file = join(fx.dir, name);
  writeFileSync(file, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n');
  return file;
}

function csvCell(value: unknown): string {
  const text = Array.isArray(value) ? value.join('|') : value === undefined ? '' : String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function writeCsv(fx: Fixture, name: string, rows: readonly Row[], withActionColumn = true): string {
  const columns = ['age', 'segment', 'products', 'digital', 'note'];
  const head = [...(withActionColumn ? ['actionId'] : []), 'channel', 'outcome', 'reward', ...columns];
  const lines = rows.map((r, i) => {
    const note = i % 5 === 0 ? 'said "maybe, later"\nthen left' : '';
    const context: Record<string, unknown> = { ...r.context, note };
    return [
      ...(withActionColumn ? [csvCell(r.actionId)] : []),
      csvCell(r.channel),
      csvCell(r.outcome),
      csvCell(r.reward),
      ...columns.map((c) => csvCell(context[c])),
    ].join(',');
  });
  const file = join(fx.dir, name);
  writeFileSync(file, `\uFEFF${head.join(',')}\r\n${lines.join('\r\n')}\r\n`);
  return file;
}

let fx: Fixture | undefined;
afterEach(() => fx?.cleanup());

describe('warm-start', () => {
  it('prints usage with --help and exits 0', async () => {
    const io = captureIo();
    expect(await main(['--help'], io, {})).toBe(0);
    expect(io.out()).toContain('Usage: npm run warm-start');
  });

  it.each([
    [[], '--file'],
    [['--file', 'h.jsonl', '--batch', '0'], '--batch'],
    [['--file', 'h.jsonl', '--batch', '2.5'], '--batch'],
    [['--file', 'h.txt'], '--format'],
    [['--file', 'h.jsonl', '--format', 'xml'], '--format'],
    [['--file', 'h.jsonl', '--bogus'], "'--bogus'"],
  ])('exits 2 naming the option for %j', async (argv, expected) => {
    const io = captureIo();
    expect(await main(argv, io, {})).toBe(2);
    expect(io.err()).toContain(expected);
  });

  it('folds a JSONL history exactly as foldBatch does, continuing a stored model', async () => {
    fx = createFixture();
    const f = fx;
    const d = f.encoder.dimension;
    const rows = history();
    // card-upgrade already has a learned model under the current schema: the warm-start continues it.
    const seed = referenceFold(f.encoder, POLICY, rows.slice(0, 5), 'card-upgrade', priorPosterior(POLICY, 'logistic', d), 5);
    withDb(f.file, (db) => putModel(db, 'card-upgrade', f.schemaVersion, seed, 3_000));
    const file = writeJsonl(f, 'history.jsonl', rows);

    const io = captureIo();
    expect(await main(['--db', f.file, '--file', file, '--batch', '4'], io, {})).toBe(0);

    withDb(f.file, (db) => {
      const card = loadModel(db, 'card-upgrade')!;
      expect(card.version).toBe(2);
      expectSamePosterior(card.posterior, referenceFold(f.encoder, POLICY, rows, 'card-upgrade', seed, 4));
      const loan = loadModel(db, 'loan-offer')!;
      expect(loan.version).toBe(1);
      expectSamePosterior(loan.posterior, referenceFold(f.encoder, POLICY, rows, 'loan-offer', priorPosterior(POLICY, 'logistic', d), 4));
      const cash = loadModel(db, 'cashback')!;
      expect(cash.posterior.likelihood).toBe('linear');
      expectSamePosterior(cash.posterior, referenceFold(f.encoder, POLICY, rows, 'cashback', priorPosterior(POLICY, 'linear', d), 4));
    });
    expect(io.out()).toMatch(/card-upgrade\s+logistic\s+v1\s+18\s/);
    expect(io.out()).toContain('30 records read: 30 folded, 0 skipped');
    expect(io.out()).toContain('tenure (5)');
  });

  it('uses the learning policy from the environment (forgetting half-life)', async () => {
    fx = createFixture();
    const f = fx;
    const rows = history().filter((r) => r.actionId === 'card-upgrade');
    const file = writeJsonl(f, 'history.jsonl', rows);
    const env = { KAIROS_FORGETTING_HALF_LIFE: '5', KAIROS_PRIOR_RATE: '0.1' };
    const policy: LearningPolicy = { priorRate: 0.1, forgettingHalfLife: 5, changeDetection: false };
    expect(await main(['--db', f.file, '--file', file, '--batch', '3'], captureIo(), env)).toBe(0);
    const expected = referenceFold(f.encoder, policy, rows, 'card-upgrade', priorPosterior(policy, 'logistic', f.encoder.dimension), 3);
    const plain = referenceFold(f.encoder, POLICY, rows, 'card-upgrade', priorPosterior(POLICY, 'logistic', f.encoder.dimension), 3);
    withDb(f.file, (db) => {
      const got = loadModel(db, 'card-upgrade')!.posterior;
      expectSamePosterior(got, expected);
      expect(Array.from(got.mean)).not.toEqual(Array.from(plain.mean));
    });
  });

  it('folds a CSV history (quoted cells, CRLF, BOM, typed columns) exactly like the same JSONL rows', async () => {
    fx = createFixture();
    const f = fx;
    const d = f.encoder.dimension;
    const rows = history();
    const file = writeCsv(f, 'history.csv', rows);
    const io = captureIo();
    expect(await main(['--db', f.file, '--file', file, '--batch', '1000'], io, {})).toBe(0);
    expect(io.out()).toContain('30 records read: 30 folded');
    // Empty cells are missing values, so only the six rows with a note carry the unknown key.
    expect(io.out()).toContain('note (6)');
    withDb(f.file, (db) => {
      for (const [id, likelihood] of [['card-upgrade', 'logistic'], ['loan-offer', 'logistic'], ['cashback', 'linear']] as const) {
        const expected = referenceFold(f.encoder, POLICY, rows, id, priorPosterior(POLICY, likelihood, d), 1000);
        expectSamePosterior(loadModel(db, id)!.posterior, expected);
      }
    });
  });

  it('with --action attributes rows without actionId to it and skips other actions (CSV without actionId column)', async () => {
    fx = createFixture();
    const f = fx;
    const rows = history().map(({ actionId: _ignored, ...rest }) => rest as Row);
    const file = writeCsv(f, 'loan.csv', rows, false);
    const io = captureIo();
    expect(await main(['--db', f.file, '--file', file, '--action', 'loan-offer', '--batch', '7'], io, {})).toBe(0);
    withDb(f.file, (db) => {
      expect(loadModels(db).map((m) => m.actionId)).toEqual(['loan-offer']);
      const expected = referenceFold(f.encoder, POLICY, rows, 'loan-offer', priorPosterior(POLICY, 'logistic', f.encoder.dimension), 7);
      expectSamePosterior(loadModel(db, 'loan-offer')!.posterior, expected);
    });

    const mixed = writeJsonl(f, 'mixed.jsonl', history());
    const io2 = captureIo();
    expect(await main(['--db', f.file, '--file', mixed, '--action', 'cashback', '--dry-run'], io2, {})).toBe(0);
    expect(io2.out()).toContain('6 folded, 0 skipped with problems, 24 of other actions');
  });

  it('skips and counts rows with problems, reporting line and field', async () => {
    fx = createFixture();
    const f = fx;
    const good = history().filter((r) => r.actionId === 'card-upgrade').slice(0, 2);
    const lines: (Row | string)[] = [
      good[0]!,
      '{not json',
      { ...good[0]!, context: { ...good[0]!.context, age: 'old' } },
      { ...good[0]!, actionId: 'ghost' },
      { ...good[0]!, outcome: 'click' as 'response' },
      good[1]!,
      '',
      { ...good[1]!, context: [] as unknown as Record<string, unknown> },
      { ...good[1]!, channel: '' },
    ];
    const file = writeJsonl(f, 'dirty.jsonl', lines);
    const io = captureIo();
    expect(await main(['--db', f.file, '--file', file], io, {})).toBe(0);
    expect(io.out()).toContain('8 records read: 2 folded, 6 skipped with problems');
    const err = io.err();
    expect(err).toContain('line 2: line: invalid JSON');
    expect(err).toContain('line 3: context.age: must be a finite number');
    expect(err).toContain("line 4: actionId: unknown action 'ghost'");
    expect(err).toContain('line 5: outcome:');
    expect(err).toContain('line 8: context: must be an object');
    expect(err).toContain('line 9: channel:');
    withDb(f.file, (db) => {
      const expected = referenceFold(f.encoder, POLICY, good, 'card-upgrade', priorPosterior(POLICY, 'logistic', f.encoder.dimension), 1000);
      expectSamePosterior(loadModel(db, 'card-upgrade')!.posterior, expected);
    });
  });

  it('--strict aborts on the first problem and writes nothing', async () => {
    fx = createFixture();
    const f = fx;
    const rows: (Row | string)[] = [...history().slice(0, 4), { ...history()[0]!, context: { digital: 'yes' } }, ...history().slice(4)];
    const file = writeJsonl(f, 'strict.jsonl', rows);
    const io = captureIo();
    expect(await main(['--db', f.file, '--file', file, '--strict', '--batch', '2'], io, {})).toBe(1);
    expect(io.err()).toContain('line 5: context.digital');
    withDb(f.file, (db) => expect(loadModels(db)).toHaveLength(0));
  });

  it('--dry-run folds but writes nothing', async () => {
    fx = createFixture();
    const f = fx;
    const file = writeJsonl(f, 'history.jsonl', history());
    const io = captureIo();
    expect(await main(['--db', f.file, '--file', file, '--dry-run'], io, {})).toBe(0);
    expect(io.out()).toContain('dry run: nothing written');
    withDb(f.file, (db) => expect(loadModels(db)).toHaveLength(0));
  });

  it('fails with exit 1 on an unknown --action, a missing file or a CSV header without outcome', async () => {
    fx = createFixture();
    const f = fx;
    const file = writeJsonl(f, 'history.jsonl', history());
    const io = captureIo();
    expect(await main(['--db', f.file, '--file', file, '--action', 'nope'], io, {})).toBe(1);
    expect(io.err()).toContain("unknown action 'nope'");

    const io2 = captureIo();
    expect(await main(['--db', f.file, '--file', join(f.dir, 'missing.jsonl')], io2, {})).toBe(1);
    expect(io2.err()).toContain('cannot read');

    const csv = join(f.dir, 'bad.csv');
    writeFileSync(csv, 'actionId,channel,age\ncard-upgrade,app,30\n');
    const io3 = captureIo();
    expect(await main(['--db', f.file, '--file', csv], io3, {})).toBe(1);
    expect(io3.err()).toContain('lacks column(s) outcome');
    withDb(f.file, (db) => expect(loadModels(db)).toHaveLength(0));
  });
});
