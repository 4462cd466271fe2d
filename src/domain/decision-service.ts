/**
 * One decision: eligibility (active, channel, candidates, exclude), encoding, contextual Thompson sampling over
 * the eligible actions' posteriors, arbitration on priority = sampled propensity × value × lever, and the
 * decision record (with the encoded context, so the learner can later fold the outcome in).
 */
import { encodeContext } from '../core/encoding.js';
import { createRng, randomSeed } from '../core/rng.js';
import { createDecisionScratch, decide, type DecisionScratch } from '../core/thompson.js';
import type { Posterior, Rng } from '../core/types.js';
import type { ActionRecord } from '../../db/stores/catalog.js';
import type { DecisionActionRecord } from '../../db/stores/decisions.js';
import { AppError } from '../errors.js';
import type { DecisionLog } from './decision-log.js';
import { covarianceOf, type EngineState } from './engine-state.js';
import { uuidv7 } from './ids.js';
import type { KeyCounter } from './key-counter.js';
import type { Category, DecidedAction, DecisionRequest, DecisionResponse, DecisionService, DecisionTrace } from './types.js';

export interface DecisionDeps {
  state: EngineState;
  log: DecisionLog;
  /** Source of each decision's seed (the seed is stored with the decision so it can be replayed). */
  rng: Rng;
  minPriority: number;
  probabilityDraws: number;
  /** Correlation of the actions' Thompson deviates within one decision (see `DRAW_CORRELATION`). */
  drawCorrelation: number;
  now: () => number;
  /** Where context keys unknown to the schema are counted (for stats). */
  unknownKeys?: KeyCounter;
}

function eligibleActions(state: EngineState, request: DecisionRequest): ActionRecord[] {
  const excluded = new Set(request.exclude ?? []);
  let pool: ActionRecord[];
  if (request.candidates !== undefined) {
    const unknown = request.candidates.filter((id) => state.action(id) === undefined);
    if (unknown.length > 0) {
      throw new AppError(
        'unprocessable',
        `unknown action${unknown.length > 1 ? 's' : ''} in candidates: ${unknown.join(', ')}`,
        unknown.map((id) => ({ field: `candidates.${request.candidates!.indexOf(id)}`, message: `action '${id}' does not exist` })),
      );
    }
    pool = [...new Set(request.candidates)].map((id) => state.action(id)!);
  } else {
    pool = [...state.actions()];
  }
  return pool.filter(
    (a) => a.active && !excluded.has(a.id) && (a.channels.length === 0 || a.channels.includes(request.channel)),
  );
}

export function createDecisionService(deps: DecisionDeps): DecisionService {
  const { state } = deps;
  let scratch: DecisionScratch | undefined;
  let scratchDimension = -1;
  let scratchCapacity = 0;

  const decideTraced = async (request: DecisionRequest): Promise<{ response: DecisionResponse; trace: DecisionTrace }> => {
    deps.log.admit();
    const encoder = state.encoder();
    const x = new Float64Array(encoder.dimension);
    const report = encodeContext(encoder, request.context ?? {}, request.channel, x);
    if (report.problems.length > 0) {
      throw new AppError('validation', 'the context does not match the feature schema', report.problems);
    }
    const actions = eligibleActions(state, request);
    const slots = request.slots ?? 1;
    const seed = randomSeed(deps.rng);
    const createdAt = deps.now();
    const decisionId = uuidv7(createdAt);

    let decided: DecidedAction[] = [];
    const records: DecisionActionRecord[] = [];
    if (actions.length > 0) {
      const entries = actions.map((a) => state.model(a.id));
      const posteriors: Posterior[] = entries.map((e) => e.posterior);
      const covariances = entries.map(covarianceOf);
      const values = Float64Array.from(actions, (a) => a.value);
      const levers = Float64Array.from(actions, (a) => a.lever);
      // Scratch buffers are reused across decisions; rebuilt only when the dimension changes or K outgrows them.
      if (!scratch || encoder.dimension !== scratchDimension || actions.length > scratchCapacity) {
        scratchCapacity = Math.max(actions.length, 64);
        scratchDimension = encoder.dimension;
        scratch = createDecisionScratch(scratchCapacity, scratchDimension);
      }
      const result = decide(
        { posteriors, values, levers, x, threshold: deps.minPriority, slots, probabilityDraws: deps.probabilityDraws, probabilityMethod: 'exact', covariances, correlation: deps.drawCorrelation },
        createRng(seed),
        scratch,
      );
      decided = result.chosen.map((index, slot) => {
        const action = actions[index]!;
        const entry: DecidedAction = {
          actionId: action.id,
          name: action.name,
          category: action.category as Category,
          propensity: result.propensity[index]!,
          sampledPropensity: result.sampled[index]!,
          value: action.value,
          priority: result.priority[index]!,
          probability: result.probability[index]!,
          mandatory: false,
          reasons: [],
        };
        records.push({
          actionId: action.id,
          slot,
          propensity: entry.propensity,
          sampledPropensity: entry.sampledPropensity,
          priority: entry.priority,
          probability: entry.probability,
          category: action.category,
          recentIgnores: 0,
        });
        return entry;
      });
    }

    // Group commit: the answer waits for the batch holding this decision to commit (src/domain/decision-log.ts).
    await deps.log.append({
      id: decisionId,
      createdAt,
      customerId: request.customerId ?? null,
      channel: request.channel,
      schemaVersion: state.schema().version,
      x,
      seed: String(seed),
      status: records.length > 0 ? 'pending' : 'closed',
      actions: records,
      activated: request.activate !== false,
      group: 'policy',
    });
    // Counted only now that the decision is accepted: a rejected request (400, 422) changes no state.
    if (report.unknownKeys.length > 0) deps.unknownKeys?.add(report.unknownKeys);
    const response: DecisionResponse = { decisionId, channel: request.channel, actions: decided, noAction: decided.length === 0, group: 'policy' };
    return { response, trace: { seed, schemaVersion: state.schema().version, candidates: actions.length } };
  };

  return {
    decide: async (request) => (await decideTraced(request)).response,
    decideTraced,
  };
}
