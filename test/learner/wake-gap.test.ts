/**
 * The learner's wake gap (LEARNER_MIN_GAP_MS): feedback wakes a cycle no sooner than the gap after the previous run,
 * so a steady stream of outcomes is folded in batches rather than one cycle per arrival; runOnce still folds now.
 */
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openDb, type Db } from '../../db/open.js';
import { loadConfig } from '../../src/config.js';
import { createEngine, LEARNER_MIN_GAP_MS, type Engine } from '../../src/engine.js';
import { tempDir } from '../helpers/harness.js';

let engine: Engine | undefined;
let db: Db | undefined;
afterEach(async () => {
  await engine?.close();
  db?.close();
  engine = undefined;
});

async function start(gapMs: number): Promise<Engine> {
  const dir = tempDir();
  const config = loadConfig({ KAIROS_DATA_DIR: dir, KAIROS_DEMO: 'false', LOG_LEVEL: 'silent', KAIROS_LEARNER_INTERVAL: '60s' }, dir);
  db = openDb(config.dbFile);
  engine = createEngine(db, config, { logger: pino({ level: 'silent' }), updater: 'inline', seed: 2, learnerMinGapMs: gapMs });
  engine.services.catalog.putSchema([{ name: 'tier', type: 'categorical', values: ['gold', 'silver'] }], ['web']);
  engine.services.catalog.putAction('a', { name: 'A', category: 'sales', value: 1 });
  engine.start();
  return engine;
}

async function outcome(e: Engine): Promise<void> {
  const d = await e.services.decisions.decide({ channel: 'web', context: { tier: 'gold' } });
  e.services.feedback.record(d.decisionId, { outcome: 'response' });
}

const turns = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

describe('the learner wake gap', () => {
  it('is what the service uses: 100 ms, well inside the 2 s freshness target', () => {
    expect(LEARNER_MIN_GAP_MS).toBe(100);
  });

  it('without a gap, an outcome is folded on the wake it causes', async () => {
    const e = await start(0);
    await outcome(e);
    await vi.waitFor(() => expect(e.state.model('a').posterior.observations).toBe(1), { timeout: 5_000 });
  });

  it('within the gap after a run, a wake waits; runOnce still folds at once', async () => {
    const e = await start(60_000);
    await outcome(e);
    await e.learner.runOnce(); // a run just ended: the next wake must wait a minute
    expect(e.state.model('a').posterior.observations).toBe(1);
    await outcome(e); // wakes the learner
    await turns(50);
    expect(e.state.model('a').posterior.observations).toBe(1);
    expect(await e.learner.runOnce()).toBe(1);
    expect(e.state.model('a').posterior.observations).toBe(2);
  });
});
