/**
 * The fatigue protocol (`--dataset fatigue`, truth in data/fatigue.ts): every player runs the same customers, in the
 * same order, with the same response uniforms; each keeps its own contact history, since its own contacts are what
 * tire the customers. Side by side: Uniform random (always contacts), a myopic oracle that knows the truth (offers
 * argmax value × P(response) − cost when positive, else nothing), Kairos WITHOUT the contact-history slots and the
 * SAME engine WITH them. Measure: cumulative value Σ value of responses − contact costs, over seeds.
 */
import { HISTORY_COUNT_CAP } from '../../../src/core/encoding.js';
import { createRng } from '../../../src/core/rng.js';
import {
  ACTIONS,
  ALPHA,
  CONTACT_COST,
  ContactHistory,
  FATIGUE_CHANNEL,
  FEATURES,
  fatigueWorld,
  GAMMA,
  trueRate,
  VALUES,
  WINDOW_DAYS,
  type FatigueConfig,
  type FatigueWorld,
} from '../data/fatigue.js';
import { createFatigueEngine, type FatigueEngine, type FatiguePlayer } from '../players/fatigue-engine.js';
import type { EnginePolicy } from '../players/engine.js';
import { derivedSeed } from '../problem.js';
import { summarise, type Summary } from '../stats.js';
import { fmt } from '../report.js';

export interface FatigueOptions {
  config: FatigueConfig;
  seeds: readonly number[];
  policy: EnginePolicy;
  /** Outcomes folded every `batch` contacts. */
  batch: number;
  /** Also play the history engine with the linear count encoding min(n, C)/C (to measure the encoding choice). */
  compareEncodings?: boolean;
  onProgress?: (message: string) => void;
}

interface PlayerFigures {
  name: string;
  values: number[];
  expected: number[];
  contacts: number;
  opportunities: number;
  seconds: number;
}

export interface FatigueReport {
  config: FatigueConfig & { window: string; batch: number; contactCost: number };
  seeds: readonly number[];
  players: PlayerFigures[];
  /** Per action: the learned history coefficients (posterior mean, sd), one entry per seed. */
  coefficients: { action: string; alpha: number; ignores: { mean: number; sd: number }[]; contacts: { mean: number; sd: number }[] }[];
  policy: EnginePolicy;
}

const WINDOW = `${WINDOW_DAYS}d`;
export const UNIFORM = 'Uniform random (always contacts)';
export const ORACLE = 'Oracle (myopic, knows the truth)';
export const WITHOUT = 'Kairos without history slots';
export const WITH = 'Kairos with history slots';
const WITH_LINEAR = 'Kairos with history slots, linear counts min(n, 10)/10';

function uniformPlayer(seed: number): FatiguePlayer {
  const rng = createRng(seed);
  return { name: UNIFORM, offer: () => rng.nextInt(ACTIONS.length), learn: () => {} };
}

function oraclePlayer(): FatiguePlayer {
  return {
    name: ORACLE,
    offer(o) {
      let best = -1;
      let bestNet = 0;
      for (let a = 0; a < ACTIONS.length; a++) {
        const net = VALUES[a]! * trueRate(o.customer, a, o.ignores[a]!, o.contacts) - CONTACT_COST;
        if (net > bestNet) {
          bestNet = net;
          best = a;
        }
      }
      return best;
    },
    learn: () => {},
  };
}

/** Days in the world are `customers` rounds; the engine's window is a policy duration, read here as days. */
function play(world: FatigueWorld, player: FatiguePlayer): { value: number; expected: number; contacts: number; seconds: number } {
  const k = ACTIONS.length;
  const history = new ContactHistory(world.config.customers, k, world.window);
  const ignores = new Int32Array(k);
  let value = 0;
  let expected = 0;
  let contacts = 0;
  const t0 = performance.now();
  for (let t = 0; t < world.config.rounds; t++) {
    const c = world.who[t]!;
    const customer = world.customers[c]!;
    const seen = history.contactsOf(c, t);
    for (let a = 0; a < k; a++) ignores[a] = history.ignoresOf(c, a, t);
    const a = player.offer({ customer, contacts: seen, ignores });
    if (a < 0) continue;
    const p = trueRate(customer, a, ignores[a]!, seen);
    const responded = world.uniform[t]! < p;
    value += (responded ? VALUES[a]! : 0) - CONTACT_COST;
    expected += VALUES[a]! * p - CONTACT_COST;
    contacts++;
    history.record(c, a, t, responded);
    player.learn(responded);
  }
  return { value, expected, contacts, seconds: (performance.now() - t0) / 1000 };
}

export function runFatigue(options: FatigueOptions): FatigueReport {
  const { config, seeds, policy, batch } = options;
  const names = [UNIFORM, ORACLE, WITHOUT, WITH, ...(options.compareEncodings ? [WITH_LINEAR] : [])];
  const players: PlayerFigures[] = names.map((name) => ({ name, values: [], expected: [], contacts: 0, opportunities: 0, seconds: 0 }));
  const coefficients = ACTIONS.map((action, a) => ({ action, alpha: ALPHA[a]!, ignores: [] as { mean: number; sd: number }[], contacts: [] as { mean: number; sd: number }[] }));
  for (const seed of seeds) {
    const world = fatigueWorld(config, seed);
    const engine = (name: string, window: string | undefined, encodeCount?: (n: number) => number): FatigueEngine =>
      createFatigueEngine({
        name,
        actions: ACTIONS.length,
        features: FEATURES,
        channel: FATIGUE_CHANNEL,
        ...(window ? { window } : {}),
        values: VALUES,
        contactCost: CONTACT_COST,
        policy,
        batch,
        // the same seed for both engines: they differ only in the history slots
        seed: derivedSeed(seed, 4),
        ...(encodeCount ? { encodeCount } : {}),
      });
    const withHistory = engine(WITH, WINDOW);
    const roster: FatiguePlayer[] = [uniformPlayer(derivedSeed(seed, 2)), oraclePlayer(), engine(WITHOUT, undefined), withHistory];
    if (options.compareEncodings) roster.push(engine(WITH_LINEAR, WINDOW, (n) => Math.min(Math.max(n, 0), HISTORY_COUNT_CAP) / HISTORY_COUNT_CAP));
    roster.forEach((player, i) => {
      const outcome = play(world, player);
      const row = players[i]!;
      row.values.push(outcome.value);
      row.expected.push(outcome.expected);
      row.contacts += outcome.contacts;
      row.opportunities += config.rounds;
      row.seconds += outcome.seconds;
      options.onProgress?.(`seed ${seed} · ${player.name}: value ${outcome.value.toFixed(0)}, ${outcome.contacts} contacts (${outcome.seconds.toFixed(1)} s)`);
    });
    const ign = withHistory.coefficients('ignores')!;
    const con = withHistory.coefficients('contacts')!;
    coefficients.forEach((c, a) => {
      c.ignores.push(ign[a]!);
      c.contacts.push(con[a]!);
    });
  }
  return { config: { ...config, window: WINDOW, batch, contactCost: CONTACT_COST }, seeds, players, coefficients, policy };
}

const round = (v: number, digits = 3): number => Math.round(v * 10 ** digits) / 10 ** digits;

function playerSummaries(report: FatigueReport) {
  const oracle = summarise(report.players.find((p) => p.name === ORACLE)!.values).mean;
  return report.players.map((p) => {
    const value: Summary = summarise(p.values);
    return {
      name: p.name,
      value: { ...value, perSeed: p.values.map((v) => round(v, 1)) },
      expectedValue: summarise(p.expected),
      percentOfOracle: round((100 * value.mean) / oracle, 2),
      contactsPerOpportunity: round(p.contacts / p.opportunities, 4),
      roundsPerSecond: p.seconds > 0 ? Math.round(p.opportunities / p.seconds) : 0,
    };
  });
}

/** Mean over seeds of the posterior mean, and of the posterior sd. */
function meanCoefficient(list: { mean: number; sd: number }[]): { mean: number; sd: number } {
  return { mean: round(summarise(list.map((c) => c.mean)).mean), sd: round(summarise(list.map((c) => c.sd)).mean) };
}

export function formatFatigueTable(report: FatigueReport): string {
  const { config } = report;
  const title =
    `fatigue: cumulative value (Σ value of responses − ${config.contactCost} per contact) over ${fmt(config.rounds)} opportunities, ` +
    `${fmt(config.customers)} customers, ${ACTIONS.length} actions, window ${config.window}; seeds ${report.seeds.join(', ')}`;
  const header = '| player | value (mean ± sd) | median | expected value | % of oracle | contacts / opportunity | rounds/s |';
  const rows = playerSummaries(report).map(
    (r) =>
      `| ${r.name} | ${fmt(r.value.mean)} ± ${fmt(r.value.sd)} | ${fmt(r.value.median)} | ${fmt(r.expectedValue.mean)} | ${fmt(r.percentOfOracle, 1)} % | ${fmt(r.contactsPerOpportunity, 3)} | ${fmt(r.roundsPerSecond)} |`,
  );
  const coef = report.coefficients.map((c) => {
    const i = meanCoefficient(c.ignores);
    const n = meanCoefficient(c.contacts);
    return `| ${c.action} | ${i.mean.toFixed(2)} ± ${i.sd.toFixed(2)} | ${n.mean.toFixed(2)} ± ${n.sd.toFixed(2)} | −${c.alpha} per ignore, −${GAMMA} per contact |`;
  });
  return [
    title,
    '',
    header,
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    `Learned coefficients of the history slots (${WITH}; posterior mean ± posterior sd, averaged over seeds; slot = encodeHistoryCount(n)):`,
    '',
    '| action | history.ignores | history.contacts | truth (logit, raw counts) |',
    '| --- | --- | --- | --- |',
    ...coef,
  ].join('\n');
}

export function fatigueJson(report: FatigueReport): string {
  return JSON.stringify({
    bench: 'regret',
    dataset: 'fatigue',
    measure: 'cumulative value: Σ value of responses − contact costs',
    rounds: report.config.rounds,
    seeds: report.seeds,
    config: { ...report.config, policy: report.policy, values: [...VALUES], alpha: [...ALPHA], gamma: GAMMA },
    players: playerSummaries(report),
    coefficients: report.coefficients.map((c) => ({
      action: c.action,
      ignores: meanCoefficient(c.ignores),
      contacts: meanCoefficient(c.contacts),
      perSeed: { ignores: c.ignores.map((v) => round(v.mean)), contacts: c.contacts.map((v) => round(v.mean)) },
    })),
  });
}
