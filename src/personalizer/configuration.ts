/**
 * The loop's service and policy configuration: Personalizer's defaults, and the checks of a PUT with Personalizer's
 * error codes. Every problem names its field; a refused PUT changes nothing.
 */
import { parseIsoDuration } from './core/iso-duration.js';
import {
  LEARNING_MODES,
  PersonalizerError,
  REWARD_AGGREGATIONS,
  type LearningMode,
  type PolicyConfiguration,
  type RewardAggregation,
  type ServiceConfiguration,
} from './types.js';

/** Personalizer's documented bounds of the reward wait time (REST spec: "between 5 seconds and 2 days"). */
export const MIN_REWARD_WAIT_MS = 5_000;
export const MAX_REWARD_WAIT_MS = 2 * 86_400_000;
const DAY_MS = 86_400_000;

/**
 * A new loop's settings. Personalizer's defaults, except explorationPercentage: Personalizer explored ε-greedily
 * (20 % uniform by default); Kairos explores by Thompson sampling, so uniform exploration on top is opt-in.
 */
export const DEFAULT_SERVICE_CONFIGURATION: Readonly<ServiceConfiguration> = Object.freeze({
  rewardWaitTime: 'PT10M',
  defaultReward: 0,
  rewardAggregation: 'earliest',
  explorationPercentage: 0,
  modelExportFrequency: 'PT5M',
  logRetentionDays: 90,
  learningMode: 'Online',
  logMirrorEnabled: false,
  isAutoOptimizationEnabled: false,
});

/** What Kairos learns with, shown by GET /configurations/policy until a PUT stores another (never interpreted). */
export const DEFAULT_POLICY: Readonly<PolicyConfiguration> = Object.freeze({
  name: 'Kairos',
  arguments: 'per-action Bayesian linear regression (Normal-Inverse-Gamma), Thompson sampling, hashed features (64 slots)',
});

export interface EffectiveConfiguration {
  config: ServiceConfiguration;
  waitMs: number;
}

export function effective(config: ServiceConfiguration): EffectiveConfiguration {
  return { config, waitMs: parseIsoDuration(config.rewardWaitTime) ?? 600_000 };
}

/** The stored configuration (JSON) over the defaults; a row that no longer parses falls back to the defaults. */
export function loadServiceConfiguration(json: string | null): EffectiveConfiguration {
  if (json === null) return effective({ ...DEFAULT_SERVICE_CONFIGURATION });
  try {
    return effective({ ...DEFAULT_SERVICE_CONFIGURATION, ...(JSON.parse(json) as ServiceConfiguration) });
  } catch {
    return effective({ ...DEFAULT_SERVICE_CONFIGURATION });
  }
}

function fail(code: ConstructorParameters<typeof PersonalizerError>[0], target: string, message: string): never {
  throw new PersonalizerError(code, message, target);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function numberIn(body: Record<string, unknown>, field: string, min: number, max: number, current: number): number {
  const value = body[field];
  if (value === undefined) return current;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    fail('InvalidServiceConfiguration', field, `${field} must be a number from ${min} to ${max}`);
  }
  return value;
}

function duration(body: Record<string, unknown>, field: string, current: string): { text: string; ms: number } {
  const value = body[field] ?? current;
  const ms = parseIsoDuration(value);
  if (typeof value !== 'string' || ms === undefined) {
    fail(
      field === 'rewardWaitTime' ? 'InvalidRewardWaitTime' : 'InvalidServiceConfiguration',
      field,
      `${field} must be an ISO 8601 duration such as PT10M or P1DT2H (or a TimeSpan such as 00:10:00)`,
    );
  }
  return { text: value, ms };
}

function optionalString(body: Record<string, unknown>, field: string, current: string | undefined): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return current;
  if (typeof value !== 'string' || value.length > 2048) fail('InvalidServiceConfiguration', field, `${field} must be a string of at most 2048 characters`);
  return value;
}

function optionalBoolean(body: Record<string, unknown>, field: string, current: boolean | undefined): boolean | undefined {
  const value = body[field];
  if (value === undefined || value === null) return current;
  if (typeof value !== 'boolean') fail('InvalidServiceConfiguration', field, `${field} must be true or false`);
  return value;
}

/**
 * A PUT /configurations/service body checked against the current settings. Absent fields keep their value (the
 * clients send all of them; a hand-written call may not). As Personalizer did, a learning-mode change may not
 * carry a change of the reward settings in the same call.
 */
export function parseServiceConfiguration(body: unknown, current: ServiceConfiguration, nowIso: string): EffectiveConfiguration {
  if (!isObject(body)) fail('InvalidServiceConfiguration', 'body', 'the service configuration must be a JSON object');
  const wait = duration(body, 'rewardWaitTime', current.rewardWaitTime);
  if (wait.ms < MIN_REWARD_WAIT_MS || wait.ms > MAX_REWARD_WAIT_MS) {
    fail('InvalidRewardWaitTime', 'rewardWaitTime', 'rewardWaitTime must be between 5 seconds (PT5S) and 2 days (P2D)');
  }
  const exportFrequency = duration(body, 'modelExportFrequency', current.modelExportFrequency);
  const defaultReward = numberIn(body, 'defaultReward', -1, 1, current.defaultReward);
  const explorationPercentage = numberIn(body, 'explorationPercentage', 0, 1, current.explorationPercentage);

  const aggregation = body.rewardAggregation ?? current.rewardAggregation;
  if (typeof aggregation !== 'string' || !(REWARD_AGGREGATIONS as readonly string[]).includes(aggregation)) {
    fail('InvalidServiceConfiguration', 'rewardAggregation', `rewardAggregation must be one of ${REWARD_AGGREGATIONS.join(', ')}`);
  }
  const mode = body.learningMode ?? current.learningMode;
  if (typeof mode !== 'string' || !(LEARNING_MODES as readonly string[]).includes(mode)) {
    fail('InvalidServiceConfiguration', 'learningMode', `learningMode must be one of ${LEARNING_MODES.join(', ')}`);
  }
  const retention = body.logRetentionDays ?? current.logRetentionDays;
  if (typeof retention !== 'number' || !Number.isInteger(retention) || retention < -1 || retention > 2_147_483_647) {
    fail('InvalidLogRetentionDays', 'logRetentionDays', 'logRetentionDays must be an integer: -1 (keep forever) or a number of days');
  }
  const minimumDays = Math.ceil((wait.ms + DAY_MS) / DAY_MS);
  if (retention !== -1 && retention < minimumDays) {
    fail('InvalidLogRetentionDays', 'logRetentionDays', `logRetentionDays must be -1 or at least the reward wait time plus one day, rounded up (${minimumDays})`);
  }

  if (mode !== current.learningMode) {
    const currentWait = parseIsoDuration(current.rewardWaitTime);
    const changed: string[] = [];
    if (defaultReward !== current.defaultReward) changed.push('defaultReward');
    if (wait.ms !== currentWait) changed.push('rewardWaitTime');
    if (aggregation !== current.rewardAggregation) changed.push('rewardAggregation');
    if (changed.length > 0) {
      fail(
        'InvalidLearningModeServiceConfiguration',
        'learningMode',
        `changing learningMode and ${changed.join(', ')} in one call is not allowed: change the mode first, then the reward settings`,
      );
    }
  }

  const config: ServiceConfiguration = {
    rewardWaitTime: wait.text,
    defaultReward,
    rewardAggregation: aggregation as RewardAggregation,
    explorationPercentage,
    modelExportFrequency: exportFrequency.text,
    logRetentionDays: retention,
    learningMode: mode as LearningMode,
    lastConfigurationEditDate: nowIso,
  };
  const mirror = optionalBoolean(body, 'logMirrorEnabled', current.logMirrorEnabled);
  if (mirror !== undefined) config.logMirrorEnabled = mirror;
  const sas = optionalString(body, 'logMirrorSasUri', current.logMirrorSasUri);
  if (sas !== undefined) config.logMirrorSasUri = sas;
  const auto = optionalBoolean(body, 'isAutoOptimizationEnabled', current.isAutoOptimizationEnabled);
  if (auto !== undefined) config.isAutoOptimizationEnabled = auto;
  if (body.autoOptimizationFrequency !== undefined && body.autoOptimizationFrequency !== null) {
    config.autoOptimizationFrequency = duration(body, 'autoOptimizationFrequency', '').text;
  } else if (current.autoOptimizationFrequency !== undefined) {
    config.autoOptimizationFrequency = current.autoOptimizationFrequency;
  }
  const start = optionalString(body, 'autoOptimizationStartDate', current.autoOptimizationStartDate);
  if (start !== undefined) {
    if (Number.isNaN(Date.parse(start))) fail('InvalidServiceConfiguration', 'autoOptimizationStartDate', 'autoOptimizationStartDate must be a date-time');
    config.autoOptimizationStartDate = start;
  }
  return { config, waitMs: wait.ms };
}

/** PUT /configurations/policy: Personalizer's limits (name ≤ 256, arguments ≤ 1024 characters). */
export function parsePolicy(body: unknown): PolicyConfiguration {
  if (!isObject(body)) fail('InvalidPolicyConfiguration', 'body', 'the policy must be a JSON object with name and arguments');
  const { name, arguments: args } = body;
  if (typeof name !== 'string' || name.length === 0 || name.length > 256) {
    fail('InvalidPolicyConfiguration', 'name', 'name must be a string of 1 to 256 characters');
  }
  if (typeof args !== 'string' || args.length > 1024) fail('InvalidPolicyConfiguration', 'arguments', 'arguments must be a string of at most 1024 characters');
  return { name, arguments: args };
}

