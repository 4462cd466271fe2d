/**
 * The customer brain (DESIGN.md §8.1): profiles (PUT replaces, PATCH merges), life events with their expiry, the
 * moment-of-truth trigger (an event with `decide`), the customer view and erasure. Timestamps in answers are
 * ISO-8601 strings; the store works in Unix ms.
 */
import type { FeatureSpec } from '../core/encoding.js';
import type { DecisionRequest, DecisionResponse } from '../domain/types.js';
import { uuidv7 } from '../domain/ids.js';
import { AppError, type FieldProblem } from '../errors.js';
import { attributeSizeProblems, attributeValueProblems, mergeAttributes, type AttributeValueOrNull } from './attributes.js';
import type { Attributes, ContactRecord, CustomerRecord, CustomerStore } from './customer-store.js';
import { eventProblems, eventTtlFor, type CustomerEventInput } from './events.js';

/** One contact of the history: a decision (activated) that offered the action to this customer. */
export type ContactView = ContactRecord;

/** An active suppression (DESIGN.md §8.2): `id` is the action or category suppressed until `until` (Unix ms). */
export interface SuppressionView {
  scope: 'action' | 'category';
  id: string;
  until: number;
  /** Index of the contact policy's suppression rule that applies. */
  rule: number;
}

export interface CustomerHistory {
  /** Latest first. */
  contacts: ContactView[];
  suppressions: SuppressionView[];
}

export interface CustomerSummary {
  customerId: string;
  attributes: Attributes;
  updatedAt: string;
}

export interface CustomerView extends CustomerSummary {
  events: { eventId: string; type: string; at: string; expiresAt: string }[];
  contacts: { decisionId: string; channel: string; actionId: string; at: string; outcome: 'response' | 'ignore' | null }[];
  suppressions: { scope: 'action' | 'category'; id: string; until: string; rule: number }[];
  /** In the always-on control group this UTC month (DESIGN.md §9.1, src/measurement/control-group.ts). */
  controlGroup: boolean;
}

export interface CustomerEventResult {
  eventId: string;
  customerId: string;
  type: string;
  at: string;
  expiresAt: string;
  duplicate: boolean;
  decision?: DecisionResponse;
}

export interface CustomerService {
  /** Creates or replaces the profile. */
  put(customerId: string, attributes: Record<string, unknown>): { customer: CustomerSummary; created: boolean };
  /** JSON merge (`null` removes a key); an unknown customer is created from the patch, like PUT. */
  patch(customerId: string, attributes: Record<string, unknown>): { customer: CustomerSummary; created: boolean };
  /** 404 for an unknown customer. */
  get(customerId: string): CustomerView;
  /** Erases the person (idempotent: an unknown customer is not an error). */
  erase(customerId: string): void;
  /** Records an event (duplicate ids answer the stored event) and, with `decide`, decides once it is visible. */
  postEvent(customerId: string, input: CustomerEventInput): Promise<CustomerEventResult>;
}

export interface CustomerServiceDeps {
  store: CustomerStore;
  now: () => number;
  /** The current feature schema (for event TTLs). */
  features: () => readonly FeatureSpec[];
  decide: (request: DecisionRequest) => Promise<DecisionResponse>;
  /** Throws AppError for a decide that would be refused; runs before the event is recorded, so a bad trigger changes nothing. */
  checkDecide: (request: DecisionRequest) => void;
  history: (customerId: string, now: number) => CustomerHistory;
  /** Runs before an erasure: writes buffered decisions, so none is written with the customer id afterwards. */
  beforeErase?: () => void;
  /**
   * Problems of stored attributes against the current feature schema (`attributes.age` must be a finite number…):
   * a profile the decisions could not encode is refused at PUT/PATCH, not at every later decision.
   */
  attributeProblems?: (attributes: Attributes) => FieldProblem[];
  /** Whether the customer is in the control group at `at`; absent: nobody is. */
  controlGroup?: (customerId: string, at: number) => boolean;
}

/** The customer view lists at most this many of the latest events. */
export const MAX_EVENTS_IN_VIEW = 1_000;

const iso = (ms: number): string => new Date(ms).toISOString();

const summary = (record: CustomerRecord): CustomerSummary => ({
  customerId: record.id,
  attributes: record.attributes,
  updatedAt: iso(record.updatedAt),
});

function fail(problems: FieldProblem[], what: string): void {
  if (problems.length > 0) throw new AppError('validation', `${what}: ${problems[0]!.field} ${problems[0]!.message}`, problems);
}

export function createCustomerService(deps: CustomerServiceDeps): CustomerService {
  const { store } = deps;

  function write(customerId: string, attributes: Record<string, unknown>, merge: boolean) {
    fail(attributeValueProblems(attributes, 'attributes', merge), 'the attributes are invalid');
    const { record, created } = store.write(customerId, deps.now(), (current) => {
      const next = merge ? mergeAttributes(current ?? {}, attributes as Record<string, AttributeValueOrNull>) : (attributes as Attributes);
      fail(attributeSizeProblems(next, 'attributes'), 'the attributes are too large');
      fail(deps.attributeProblems?.(next) ?? [], 'the attributes do not fit the feature schema');
      return next;
    });
    return { customer: summary(record), created };
  }

  return {
    put: (customerId, attributes) => write(customerId, attributes, false),
    patch: (customerId, attributes) => write(customerId, attributes, true),

    get(customerId) {
      const record = store.get(customerId);
      if (!record) {
        throw new AppError('not_found', `no customer '${customerId}'`, [{ field: 'customerId', message: 'no such customer' }]);
      }
      const now = deps.now();
      const history = deps.history(customerId, now);
      return {
        ...summary(record),
        events: store.events(customerId, now, MAX_EVENTS_IN_VIEW).map((e) => ({ eventId: e.id, type: e.type, at: iso(e.at), expiresAt: iso(e.expiresAt) })),
        contacts: history.contacts.map((c) => ({ decisionId: c.decisionId, channel: c.channel, actionId: c.actionId, at: iso(c.at), outcome: c.outcome })),
        suppressions: history.suppressions.map((s) => ({ scope: s.scope, id: s.id, until: iso(s.until), rule: s.rule })),
        controlGroup: deps.controlGroup?.(customerId, now) ?? false,
      };
    },

    erase(customerId) {
      deps.beforeErase?.();
      store.erase(customerId);
    },

    async postEvent(customerId, input) {
      const now = deps.now();
      const { problems, at } = eventProblems(input, now);
      fail(problems, 'the event is invalid');
      const request: DecisionRequest | undefined = input.decide && { customerId, ...input.decide };
      if (request) {
        try {
          deps.checkDecide(request);
        } catch (error) {
          // The decision's fields are under `decide` in this body: name them by their path here.
          if (error instanceof AppError && error.errors) {
            throw new AppError(error.code, error.message, error.errors.map((e) => ({ ...e, field: `decide.${e.field}` })), { retryAfterSeconds: error.retryAfterSeconds });
          }
          throw error;
        }
      }
      const event = {
        id: input.eventId ?? uuidv7(now),
        customerId,
        type: input.type,
        at,
        expiresAt: at + eventTtlFor(deps.features(), input.type),
        attributes: input.attributes ?? null,
        createdAt: now,
      };
      const result = store.insertEvent(event);
      if (!result.inserted) {
        const { existing } = result;
        if (existing.customerId !== customerId) {
          throw new AppError('conflict', `event '${existing.id}' belongs to another customer`, [
            { field: 'eventId', message: 'already used by another customer' },
          ]);
        }
        // A re-sent trigger does not decide again: the first answer carried the decision.
        return { eventId: existing.id, customerId, type: existing.type, at: iso(existing.at), expiresAt: iso(existing.expiresAt), duplicate: true };
      }
      const answer: CustomerEventResult = { eventId: event.id, customerId, type: event.type, at: iso(at), expiresAt: iso(event.expiresAt), duplicate: false };
      if (request) {
        try {
          answer.decision = await deps.decide(request);
        } catch (error) {
          // The trigger failed (e.g. 503 under overload, or a stored profile that does not fit the schema): the answer
          // is an error, so the event is taken back — a retry with the same eventId then records it and decides.
          store.withdrawEvent(event, result.createdCustomer);
          throw error;
        }
      }
      return answer;
    },
  };
}
