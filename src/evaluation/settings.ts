/**
 * A candidate's settings checked against the ranges src/config.ts accepts for the same variables, each problem naming
 * `policies.<i>.settings.<key>` — an unknown key is a 400, never ignored.
 */
import { AppError, type FieldProblem } from '../errors.js';
import { SETTING_KEYS, type CandidatePolicy, type PolicySettings, type SettingKey } from './types.js';

/** Names the log's own rows take; a candidate may not take them. */
export const RESERVED_POLICY_NAMES = ['logged', 'uniform'] as const;
export const MAX_POLICIES = 10;

type Check = (value: unknown) => string | undefined;
const number = (ok: (n: number) => boolean, rule: string): Check => (v) => (typeof v === 'number' && Number.isFinite(v) && ok(v) ? undefined : rule);

/** The same ranges as KAIROS_PRIOR_RATE, KAIROS_DRAW_CORRELATION, KAIROS_MIN_PRIORITY, … (src/config.ts). */
const CHECKS: Record<SettingKey, Check> = {
  priorRate: number((n) => n > 0 && n < 1, 'a rate in (0, 1) (KAIROS_PRIOR_RATE)'),
  drawCorrelation: number((n) => n >= 0 && n < 1, 'a number in [0, 1) (KAIROS_DRAW_CORRELATION)'),
  minPriority: number((n) => n >= -1e12 && n <= 1e12, 'a number from -1e12 to 1e12 (KAIROS_MIN_PRIORITY)'),
  forgettingHalfLife: number((n) => n >= 0 && n <= 1e12, 'a number of observations ≥ 0, 0 = off (KAIROS_FORGETTING_HALF_LIFE)'),
  changeDetection: (v) => (typeof v === 'boolean' ? undefined : 'true or false (KAIROS_CHANGE_DETECTION)'),
};

/** The candidates with their full settings (the baseline overridden), or a 400 listing every problem. */
export function resolvePolicies(policies: readonly { name: string; settings?: Record<string, unknown> }[], baseline: PolicySettings): { accepted: CandidatePolicy[]; resolved: { name: string; settings: PolicySettings }[] } {
  const problems: FieldProblem[] = [];
  if (policies.length < 1 || policies.length > MAX_POLICIES) problems.push({ field: 'policies', message: `1 to ${MAX_POLICIES} candidate policies` });
  const seen = new Set<string>();
  const accepted: CandidatePolicy[] = [];
  const resolved: { name: string; settings: PolicySettings }[] = [];
  policies.forEach((p, i) => {
    if ((RESERVED_POLICY_NAMES as readonly string[]).includes(p.name)) problems.push({ field: `policies.${i}.name`, message: `'${p.name}' is the name of a row every evaluation has` });
    else if (seen.has(p.name)) problems.push({ field: `policies.${i}.name`, message: `'${p.name}' is used by an earlier policy` });
    seen.add(p.name);
    const given: Partial<PolicySettings> = {};
    for (const [key, value] of Object.entries(p.settings ?? {})) {
      if (!(SETTING_KEYS as readonly string[]).includes(key)) {
        problems.push({ field: `policies.${i}.settings.${key}`, message: `unknown setting; known: ${SETTING_KEYS.join(', ')}` });
        continue;
      }
      const problem = CHECKS[key as SettingKey](value);
      if (problem) problems.push({ field: `policies.${i}.settings.${key}`, message: problem });
      else (given as Record<string, unknown>)[key] = value;
    }
    accepted.push({ name: p.name, settings: given });
    resolved.push({ name: p.name, settings: { ...baseline, ...given } });
  });
  if (problems.length > 0) throw new AppError('validation', 'the candidate policies are not valid', problems);
  return { accepted, resolved };
}

/**
 * `name:key=value,key=value` (npm run evaluate --policy): numbers as numbers, on/off/true/false as booleans, the rest
 * as strings (which the checks then refuse with the key's rule).
 */
export function parsePolicyArgument(text: string): { name: string; settings: Record<string, unknown> } {
  const colon = text.indexOf(':');
  const name = (colon < 0 ? text : text.slice(0, colon)).trim();
  const settings: Record<string, unknown> = {};
  if (colon >= 0) {
    for (const pair of text.slice(colon + 1).split(',')) {
      if (pair.trim() === '') continue;
      const eq = pair.indexOf('=');
      const key = (eq < 0 ? pair : pair.slice(0, eq)).trim();
      const raw = eq < 0 ? '' : pair.slice(eq + 1).trim();
      const lower = raw.toLowerCase();
      settings[key] = lower === 'on' || lower === 'true' ? true : lower === 'off' || lower === 'false' ? false : raw !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw;
    }
  }
  return { name, settings };
}
