/**
 * The engine's own learning code beats Uniform random on the first 2,000 rounds of synthetic-logistic
 * (seeded, so the outcome is fixed), with per-round updates and with the learner's batching.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DRAW_CORRELATION } from '../../src/core/thompson.js';
import { loadSynthetic, syntheticProblem } from '../../scripts/regret/data/synthetic.js';
import { runDataset } from '../../scripts/regret/datasets.js';
import { createUniformPlayer } from '../../scripts/regret/players/baselines.js';
import { createEnginePlayer } from '../../scripts/regret/players/engine.js';
import { playProblem } from '../../scripts/regret/protocols/play.js';
import { formatJson, formatTable } from '../../scripts/regret/report.js';

const dataDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'data');
const policy = { priorRate: 0.05, forgettingHalfLife: 0, changeDetection: false, drawCorrelation: DRAW_CORRELATION };

describe.skipIf(!existsSync(dataDir))('Kairos on synthetic-logistic, 2,000 rounds', () => {
  // Loaded in the tests, not at collection: a skipped suite's body still runs when vitest collects it.
  let cached: { problem: ReturnType<typeof syntheticProblem>; uniform: number } | undefined;
  const setUp = () => {
    if (!cached) {
      const problem = syntheticProblem(loadSynthetic(dataDir), 2_000);
      cached = { problem, uniform: playProblem(problem, createUniformPlayer(problem.k, 1)).regret };
    }
    return cached;
  };

  it.each([1, 100])('beats Uniform with feedback every %i round(s)', (batch) => {
    const { problem, uniform } = setUp();
    const engine = createEnginePlayer({ k: problem.k, d: problem.d, likelihood: 'logistic', policy, batch, seed: 1 });
    const outcome = playProblem(problem, engine);
    // Uniform's expected regret over these rounds is ≈ 250; a learner that learns nothing is at ≈ 100 %.
    expect(outcome.regret).toBeLessThan(0.85 * uniform);
    // Every round's outcome reached a model once the run is over.
    expect(engine.posteriors().reduce((s, p) => s + p.observations, 0)).toBe(2_000);
  });

  it('runs end to end through the CLI code path and reports % of Uniform', () => {
    const result = runDataset('synthetic', { dataDir, seeds: [1, 2], rounds: 500, policy });
    if (result.kind !== 'regret') throw new Error('expected a regret report');
    const json = JSON.parse(formatJson(result.report)) as { players: { name: string; percentOfUniform: number; regret: { perSeed: number[] } }[] };
    expect(json.players.map((p) => p.name)).toEqual(['Uniform random', 'Kairos (per-round updates)']);
    expect(json.players[0]!.percentOfUniform).toBe(100);
    expect(json.players[1]!.regret.perSeed).toHaveLength(2);
    expect(formatTable(result.report)).toContain('| Kairos (per-round updates) |');
  });
});
