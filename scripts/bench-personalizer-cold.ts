/**
 * How the Personalizer loop's core learns, on known truth with fixed seeds (scripts/lib/personalizer-worlds.ts):
 *
 * 1. New actions (issue #12 item 5): after a warm-up where W (0.6) wins, a new action N appears; with N's first
 *    posterior from newActionPrior (borrowing from look-alikes) and from the cold prior: the events after N appeared
 *    until the policy's expected reward rate Σ pᵢ rᵢ (the true rates are known: no sampling noise) first reached 95 %
 *    and 90 % of the best rate, and the regret Σ (best − Σ pᵢ rᵢ) over the first 100, 300 and 1,000 events; mean ±
 *    standard error (median, 90th percentile), and paired with cold by seed (the world's common random numbers: same
 *    warm-up, contexts and k-th reward of every action). Scenarios: N resembles W and is better (0.7); N resembles the
 *    loser L1 (0.3) and is the best (0.7), the control where borrowing starts N pessimistic; N resembles W but is
 *    worse (0.2), where borrowing misleads. (The older measure, the 20-event trailing mean of P(N) reaching ½, has a
 *    floor of 20 and swings with every Thompson draw; it is kept in the JSON as eventsToPrefer.)
 * 2. `--priors`: the tutorial world's reward rate (mean over all events and over the last fifth) for candidate cold
 *    priors and both draw correlations: how PERSONALIZER_PRIOR and RANK_CORRELATION were chosen.
 *
 *   npm run bench:personalizer-cold -- [--seeds 100 (20 with --priors)] [--warmup 1000] [--after 1000] [--epsilon 0] [--cap 5,10,20] [--share 0,0.25,1] [--priors]
 */
import { parseArgs } from 'node:util';
import { DEFAULT_LINEAR_PRIOR } from '../src/core/prior.js';
import type { PriorConfig } from '../src/core/types.js';
import { BORROW_CONFIDENCE_SHARE, BORROW_PSEUDO_OBSERVATIONS, PERSONALIZER_PRIOR } from '../src/personalizer/core/prior.js';
import { type NewActionRun, type NewActionScenario, runNewAction, runTutorial } from './lib/personalizer-worlds.js';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string' },
    warmup: { type: 'string', default: '1000' },
    after: { type: 'string', default: '1000' },
    epsilon: { type: 'string' },
    cap: { type: 'string' },
    share: { type: 'string' },
    events: { type: 'string', default: '5000' },
    priors: { type: 'boolean', default: false },
  },
});
// 100 seeds for the new-action table (its tails need them), 20 for the slower --priors table.
const seeds = Array.from({ length: Number(values.seeds ?? (values.priors ? '20' : '100')) }, (_, i) => i + 1);
// ε: Personalizer's default 0.2 for the tutorial table; 0 for the new-action table, whose question is the Thompson
// part's start (the ε part is the same with and without borrowing and would only add the same regret to both).
const epsilon = Number(values.epsilon ?? (values.priors ? '0.2' : '0'));
const caps = values.cap === undefined ? [BORROW_PSEUDO_OBSERVATIONS] : values.cap.split(',').map(Number);
const shares = values.share === undefined ? [BORROW_CONFIDENCE_SHARE] : values.share.split(',').map(Number);
const variants = caps.flatMap((cap) => shares.map((share) => ({ borrow: true, cap, share })));

interface Stats {
  mean: number;
  sd: number;
  /** Standard error of the mean, sd/√n. */
  se: number;
  median: number;
  /** 90th percentile (nearest rank). */
  p90: number;
}

function stats(xs: number[]): Stats {
  const mean = xs.reduce((s, v) => s + v, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((s, v) => s + (v - mean) ** 2, 0) / Math.max(1, xs.length - 1));
  const sorted = [...xs].sort((a, b) => a - b);
  const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
  const p90 = sorted[Math.max(0, Math.ceil(0.9 * sorted.length) - 1)]!;
  return { mean, sd, se: sd / Math.sqrt(xs.length), median, p90 };
}

if (values.priors) {
  const candidates: [string, PriorConfig][] = [
    ['personalizer (bias 1, weights 0.1, IG(5, 1))', PERSONALIZER_PRIOR],
    ['core linear default (4, 4, IG(6, 6))', DEFAULT_LINEAR_PRIOR],
    ['wide weights (1, 1, IG(5, 1))', { ...PERSONALIZER_PRIOR, weightVariance: 1 }],
    ['narrow weights (1, 0.01, IG(5, 1))', { ...PERSONALIZER_PRIOR, weightVariance: 0.01 }],
    ['weak noise prior (1, 0.1, IG(2, 0.25))', { ...PERSONALIZER_PRIOR, a0: 2, b0: 0.25 }],
  ];
  const rows = [];
  console.log(`tutorial world, ${values.events} events, ε = ${epsilon}, ${seeds.length} seeds: mean reward (all events) and last fifth, mean ± sd`);
  console.log('prior                                          ρ    extra  all events        last fifth');
  for (const [name, prior] of candidates) {
    for (const [correlation, extraFeatures] of [[0, 0], [0.9, 0], [0, 16], [0.9, 16]] as const) {
      const runs = seeds.map((seed) => runTutorial({ seed, events: Number(values.events), prior, epsilon, correlation, extraFeatures }));
      const all = stats(runs.map((r) => r.fifths.reduce((s, v) => s + v, 0) / 5));
      const last = stats(runs.map((r) => r.lastFifth));
      rows.push({ prior: name, correlation, extraFeatures, all, last });
      console.log(`${name.padEnd(46)} ${correlation.toFixed(1)}  ${String(extraFeatures).padStart(4)}   ${all.mean.toFixed(3)} ± ${all.sd.toFixed(3)}   ${last.mean.toFixed(3)} ± ${last.sd.toFixed(3)}`);
    }
  }
  console.log(JSON.stringify({ bench: 'personalizer-cold', part: 'priors', epsilon, events: Number(values.events), seeds: seeds.length, rows }));
} else {
  const scenarios: NewActionScenario[] = ['like-winner-better', 'like-loser-better', 'like-winner-worse'];
  const rows = [];
  const after = Number(values.after);
  console.log(`new action after ${values.warmup} warm-up events, ${after} after, ε = ${epsilon}, ${seeds.length} seeds (1–${seeds.length})`);
  console.log('events to 95 % / 90 %: events after N appeared until the expected reward rate Σ pᵢ rᵢ reached 95 % / 90 % of the best');
  console.log('regret @n: Σ (best − Σ pᵢ rᵢ) over the first n events after N appeared. mean ± standard error (median, 90th percentile)');
  console.log('paired with cold (same seed): seeds where the policy reached 95 % sooner/later, and the regret @300 saved (mean ± se)');
  console.log('scenario            prior     events to 95 %            to 90 %          regret @100            regret @300             regret @1000            sooner/later  saved @300');
  for (const scenario of scenarios) {
    const run = (borrow: boolean, cap: number, share: number): NewActionRun[] =>
      seeds.map((seed) => runNewAction({ seed, scenario, borrow, warmup: Number(values.warmup), after, epsilon, pseudoObservations: cap, confidenceShare: share }));
    const coldRuns = run(false, 0, 0);
    for (const { borrow, cap, share } of [...variants, { borrow: false, cap: 0, share: 0 }]) {
      const runs = borrow ? run(borrow, cap, share) : coldRuns;
      // Paired by seed (the world's common random numbers: same contexts, same k-th reward of every action).
      const sooner = runs.filter((r, i) => r.eventsTo95 < coldRuns[i]!.eventsTo95).length;
      const later = runs.filter((r, i) => r.eventsTo95 > coldRuns[i]!.eventsTo95).length;
      const regretGain = stats(runs.map((r, i) => coldRuns[i]!.regretAt[300] - r.regretAt[300]));
      const to95 = stats(runs.map((r) => r.eventsTo95));
      const to90 = stats(runs.map((r) => r.eventsTo90));
      const never95 = runs.filter((r) => r.eventsTo95 > after).length;
      const regret100 = stats(runs.map((r) => r.regretAt[100]));
      const regret300 = stats(runs.map((r) => r.regretAt[300]));
      const regret1000 = stats(runs.map((r) => r.regretAt[1000]));
      const prefer = stats(runs.map((r) => r.eventsToPrefer));
      const label = borrow ? `${cap}/${share}` : 'cold';
      rows.push({ scenario, prior: label, eventsTo95: { ...to95, never: never95 }, eventsTo90: to90, regret100, regret300, regret1000, eventsToPrefer: prefer, paired: { sooner, later, regret300Saved: regretGain } });
      const f = (x: Stats, digits: number): string => `${x.mean.toFixed(digits)} ± ${x.se.toFixed(digits)} (${x.median.toFixed(digits)}, ${x.p90.toFixed(digits)})`;
      console.log(
        `${scenario.padEnd(19)} ${label.padEnd(9)} ${(f(to95, 0) + (never95 ? ` ${never95} never` : '')).padEnd(25)} ${f(to90, 0).padEnd(16)} ${f(regret100, 1).padEnd(22)} ${f(regret300, 1).padEnd(23)} ${f(regret1000, 1).padEnd(23)} ` +
          (borrow ? `${sooner}/${later}   ${regretGain.mean.toFixed(1)} ± ${regretGain.se.toFixed(1)}` : ''),
      );
    }
  }
  console.log(JSON.stringify({ bench: 'personalizer-cold', part: 'new-action', epsilon, warmup: Number(values.warmup), after, seeds: seeds.length, rows }));
}
