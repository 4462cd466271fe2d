/**
 * The next-best-action configuration of a snapshot (format version 2): declared channels, the contact policy and each
 * action's engagement policies, checked with the rules of the HTTP API — its zod schemas (src/http/policy-schemas.ts,
 * PutActionBody) and then the policy checks of src/policies (durations, declared channels, compileEligibility) — so a
 * file cannot put into a database what a PUT would refuse.
 */
import type { EngagementPolicy } from '../../db/stores/catalog.js';
import type { FieldProblem } from '../../src/errors.js';
import { ChannelIdParams, ContactPolicySchema, PutChannelBody } from '../../src/http/policy-schemas.js';
import { issuesToProblems } from '../../src/http/problem.js';
import { PutActionBody } from '../../src/http/schemas.js';
import type { StoredChannel } from '../../src/policies/channel-store.js';
import { compileChannel } from '../../src/policies/compile.js';
import { checkEngagementPolicies, undeclaredChannels, type DeclaredChannels } from '../../src/policies/engagement.js';
import { channelProblems, contactPolicyProblems } from '../../src/policies/policy-checks.js';
import type { ChannelRecord, ContactPolicy } from '../../src/policies/types.js';
import type { ActionInput } from '../../src/domain/types.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A channel as import writes it (updatedAt = the import's time). */
export type ChannelWrite = Omit<StoredChannel, 'updatedAt'>;

export interface CheckedChannels {
  writes: ChannelWrite[];
  declared: DeclaredChannels;
}

export const ENGAGEMENT_KEYS = ['eligibility', 'startAt', 'endAt', 'dailyCap', 'mandatory'] as const;
const ENGAGEMENT_BODY = PutActionBody.pick({ eligibility: true, startAt: true, endAt: true, dailyCap: true, mandatory: true });
/** Date's range: ±8.64e15 ms around the epoch. */
const MAX_INSTANT_MS = 8.64e15;

function under(at: string, problems: readonly FieldProblem[], actionId?: string): FieldProblem[] {
  return problems.map((p) => ({
    field: p.field ? `${at}.${p.field}` : at,
    message: actionId === undefined ? p.message : `action '${actionId}': ${p.message}`,
  }));
}

/** A lookup over channel records (a snapshot's, or a database's), shaped like the policy cache. */
export function declaredChannels(records: readonly ChannelRecord[]): DeclaredChannels {
  const byId = new Map(records.map((r) => [r.id, r]));
  return { channels: () => records, channel: (id) => byId.get(id) };
}

/** `channels` of the file: each a PUT /v1/channels body plus `id` and `createdAt` (Unix ms), ids distinct. */
export function checkChannels(value: unknown, problems: FieldProblem[]): CheckedChannels | undefined {
  if (!Array.isArray(value)) {
    problems.push({ field: 'channels', message: 'must be an array (format version 2 lists the declared channels)' });
    return undefined;
  }
  const before = problems.length;
  const ids = new Set<string>();
  const writes: ChannelWrite[] = [];
  value.forEach((c: unknown, i) => {
    const at = `channels.${i}`;
    if (!isObj(c)) return void problems.push({ field: at, message: 'must be an object' });
    const { id, createdAt, limit, ...rest } = c;
    const idCheck = ChannelIdParams.shape.channelId.safeParse(id);
    if (!idCheck.success) problems.push(...under(`${at}.id`, issuesToProblems(idCheck.error, '')));
    else if (ids.has(idCheck.data)) problems.push({ field: `${at}.id`, message: `duplicate channel '${idCheck.data}'` });
    else ids.add(idCheck.data);
    if (!Number.isSafeInteger(createdAt) || (createdAt as number) < 0) problems.push({ field: `${at}.createdAt`, message: 'must be Unix ms (an integer ≥ 0)' });
    // GET /v1/channels says `limit: null` for none; the PUT body leaves it out.
    const body = PutChannelBody.safeParse(limit === null ? rest : { ...rest, limit });
    if (!body.success) return void problems.push(...under(at, issuesToProblems(body.error, '')));
    problems.push(...under(at, channelProblems(body.data)));
    writes.push({
      id: id as string,
      name: body.data.name,
      direction: body.data.direction,
      contactCost: body.data.contactCost ?? 0,
      limitContacts: body.data.limit?.contacts ?? null,
      limitPer: body.data.limit?.per ?? null,
      createdAt: createdAt as number,
    });
  });
  if (problems.length > before) return undefined;
  return { writes, declared: declaredChannels(writes.map((w) => compileChannel({ ...w, updatedAt: w.createdAt }))) };
}

/** `contactPolicy` of the file: a PUT /v1/contact-policy body whose threshold channels `isDeclared` knows. */
export function checkContactPolicy(value: unknown, isDeclared: (channelId: string) => boolean, problems: FieldProblem[]): ContactPolicy | undefined {
  const parsed = ContactPolicySchema.safeParse(value);
  if (!parsed.success) {
    problems.push(...under('contactPolicy', issuesToProblems(parsed.error, '')));
    return undefined;
  }
  const policy: ContactPolicy = { suppression: parsed.data.suppression, thresholds: parsed.data.thresholds ?? {} };
  const found = under('contactPolicy', contactPolicyProblems(policy, isDeclared));
  problems.push(...found);
  return found.length > 0 ? undefined : policy;
}

function instant(value: unknown, field: string, problems: FieldProblem[]): string | undefined {
  if (value === null) return undefined;
  if (!Number.isSafeInteger(value) || Math.abs(value as number) > MAX_INSTANT_MS) {
    problems.push({ field, message: 'must be Unix ms (an integer) or null' });
    return undefined;
  }
  return new Date(value as number).toISOString();
}

/**
 * The engagement fields of action `a` (at `at`) that the file gives, checked like a PUT of the action. Version 2
 * gives all five (null = none); version 1 may give none of them, and an absent one keeps what the database has.
 * A bad eligibility rule is named with the action's id and its line and column. `declared` checks the channels
 * the action lists (when it declares any).
 */
export function checkEngagement(
  a: Obj,
  at: string,
  formatVersion: number,
  declared: DeclaredChannels,
  problems: FieldProblem[],
): Partial<EngagementPolicy> | undefined {
  const before = problems.length;
  const id = typeof a.id === 'string' ? a.id : '?';
  const given: Partial<Record<(typeof ENGAGEMENT_KEYS)[number], unknown>> = {};
  for (const key of ENGAGEMENT_KEYS) {
    if (a[key] !== undefined) given[key] = a[key];
    else if (formatVersion >= 2) problems.push({ field: `${at}.${key}`, message: `action '${id}': is missing (format version 2 lists every engagement field; null = none)` });
  }
  const local: FieldProblem[] = [];
  const startAt = given.startAt === undefined ? undefined : instant(given.startAt, 'startAt', local);
  const endAt = given.endAt === undefined ? undefined : instant(given.endAt, 'endAt', local);
  const input = {
    ...(given.eligibility !== undefined && given.eligibility !== null ? { eligibility: given.eligibility } : {}),
    ...(startAt !== undefined ? { startAt } : {}),
    ...(endAt !== undefined ? { endAt } : {}),
    ...(given.dailyCap !== undefined && given.dailyCap !== null ? { dailyCap: given.dailyCap } : {}),
    ...(given.mandatory !== undefined ? { mandatory: given.mandatory } : {}),
  };
  const parsed = ENGAGEMENT_BODY.safeParse(input);
  if (!parsed.success) local.push(...issuesToProblems(parsed.error, ''));
  else if (local.length === 0) {
    const channels = Array.isArray(a.channels) ? (a.channels as string[]) : undefined;
    checkEngagementPolicies({ ...parsed.data, channels } as ActionInput, declared, local);
  }
  problems.push(...under(at, local, id));
  if (problems.length > before) return undefined;
  const out: Partial<EngagementPolicy> = {};
  if (given.eligibility !== undefined) out.eligibility = given.eligibility as string | null;
  if (given.startAt !== undefined) out.startAt = given.startAt as number | null;
  if (given.endAt !== undefined) out.endAt = given.endAt as number | null;
  if (given.dailyCap !== undefined) out.dailyCap = given.dailyCap as number | null;
  if (given.mandatory !== undefined) out.mandatory = given.mandatory as boolean;
  return out;
}

/** The channels each action lists that `declared` does not (a version-1 file checked against the target database). */
export function actionChannelProblems(actions: readonly { id: string; channels: readonly string[] }[], declared: DeclaredChannels): FieldProblem[] {
  return actions.flatMap((a, i) => under(`actions.${i}`, undeclaredChannels(a.channels, declared), a.id));
}
