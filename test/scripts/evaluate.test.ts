import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../scripts/evaluate.js';
import { logDecisions } from '../helpers/evaluation-log.js';
import type { TestHarness } from '../helpers/harness.js';
import { seedTwoActions } from '../helpers/seed.js';
import { captureIo } from './script-fixtures.js';

let h: TestHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const WINDOW = ['--from', '2026-11-01T00:00:00Z', '--to', '2026-11-02T00:00:00Z'];

describe('npm run evaluate', () => {
  it('prints usage with --help', async () => {
    const io = captureIo();
    expect(await main(['--help'], io, {})).toBe(0);
    expect(io.out()).toContain('Usage: npm run evaluate');
  });

  it('prints the same rows as the service, as a table and as JSON', async () => {
    h = await seedTwoActions();
    logDecisions(h, 90);
    const io = captureIo();
    expect(await main([...WINDOW, '--db', h.config.dbFile, '--policy', 'cold:priorRate=0.2', '--policy', 'independent:drawCorrelation=0'], io, {}), io.err()).toBe(0);
    const out = io.out();
    for (const row of ['| logged | IPS | 1.6667 |', '| uniform | SNIPS |', '| cold | DR |', '| independent | IPS |']) expect(out).toContain(row);
    expect(out).toContain('90 decisions evaluated; skipped: 0 pending, 0 multi-slot, 0 unsupported.');
    const json = captureIo();
    expect(await main([...WINDOW, '--db', h.config.dbFile, '--policy', 'cold:priorRate=0.2', '--json'], json, {})).toBe(0);
    const parsed = JSON.parse(json.out());
    expect(parsed.rows).toBe(90);
    expect(parsed.results.map((r: { policy: string }) => r.policy)).toEqual(['logged', 'logged', 'logged', 'uniform', 'uniform', 'uniform', 'cold', 'cold', 'cold']);
    // The database is only read: no evaluation recorded.
    expect(h.db.sqlite.prepare('SELECT count(*) AS n FROM evaluations').get()).toEqual({ n: 0 });
  });

  it('fails naming the policy and setting, the window, and decisions without probabilities', async () => {
    h = await seedTwoActions();
    logDecisions(h, 9, (i) => (i === 3 ? { probabilityMethod: 'off' } : {}));
    const cases: [string[], string][] = [
      [['--policy', 'c:learningRate=1'], '--policy #1.settings.learningRate'],
      [['--policy', 'c:priorRate=2'], '--policy #1.settings.priorRate'],
      [['--policy', 'c', '--from', '2026-11-03T00:00:00Z', '--to', '2026-11-02T00:00:00Z'], 'from'],
      [['--policy', 'c', '--from', '2025-01-01', '--to', '2025-01-02'], 'no closed decisions'],
      [['--policy', 'c', ...WINDOW], '1 decision in the window'],
    ];
    for (const [argv, expected] of cases) {
      const io = captureIo();
      expect(await main([...argv, '--db', h.config.dbFile], io, {}), argv.join(' ')).toBe(1);
      expect(io.err(), argv.join(' ')).toContain(expected);
    }
    const usage = captureIo();
    expect(await main(['--db', h.config.dbFile], usage, {})).toBe(2);
    expect(usage.err()).toContain('--policy');
  });
});
