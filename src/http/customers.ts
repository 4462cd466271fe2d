/**
 * The customer brain (DESIGN.md §8.1): PUT/PATCH/GET/DELETE /v1/customers/{customerId} and
 * POST /v1/customers/{customerId}/events. Attributes and events are personal data: nothing of them is logged.
 */
import { createRoute } from '@hono/zod-openapi';
import {
  CustomerEventBody,
  CustomerEventResponseSchema,
  CustomerIdParams,
  CustomerSchema,
  CustomerViewSchema,
  PatchCustomerBody,
  PutCustomerBody,
} from './customer-schemas.js';
import type { KairosApp, RouteDeps } from './env.js';
import { stopIfTimedOut } from './middleware/request-timeout.js';
import { problemResponses } from './schemas.js';

const PATH = '/v1/customers/{customerId}';
const json = <S>(schema: S) => ({ 'application/json': { schema } });

const putCustomer = createRoute({
  method: 'put',
  path: PATH,
  tags: ['customers'],
  summary: 'Create or replace a customer profile',
  request: { params: CustomerIdParams, body: { required: true, content: json(PutCustomerBody) } },
  responses: {
    200: { description: 'Replaced', content: json(CustomerSchema) },
    201: { description: 'Created', content: json(CustomerSchema) },
    ...problemResponses(400, 413, 415),
  },
});

const patchCustomer = createRoute({
  method: 'patch',
  path: PATH,
  tags: ['customers'],
  summary: 'Merge attributes into a customer profile',
  description: 'JSON merge: each key replaces the stored one and `null` removes it. An unknown customer is created from the patch (201), like PUT.',
  request: { params: CustomerIdParams, body: { required: true, content: json(PatchCustomerBody) } },
  responses: {
    200: { description: 'Merged', content: json(CustomerSchema) },
    201: { description: 'Created', content: json(CustomerSchema) },
    ...problemResponses(400, 413, 415),
  },
});

const getCustomer = createRoute({
  method: 'get',
  path: PATH,
  tags: ['customers'],
  summary: 'A customer: profile, live events, contact history and suppressions',
  request: { params: CustomerIdParams },
  responses: { 200: { description: 'The customer', content: json(CustomerViewSchema) }, ...problemResponses(400, 404) },
});

const deleteCustomer = createRoute({
  method: 'delete',
  path: PATH,
  tags: ['customers'],
  summary: 'Erase a customer',
  description:
    'Deletes the profile, events and contact history (so every suppression) in one transaction and removes the ' +
    'customer id from their decisions. The models keep their anonymous evidence. 204 also for an unknown customer.',
  request: { params: CustomerIdParams },
  responses: { 204: { description: 'Erased (or never known)' }, ...problemResponses(400) },
});

const postEvent = createRoute({
  method: 'post',
  path: `${PATH}/events`,
  tags: ['customers'],
  summary: 'Record a customer event, and optionally decide on it (a moment of truth)',
  description:
    'The first event of an unknown customer creates it with no attributes. The event is kept until `at` + the TTL of ' +
    'the event-fed feature that lists its type (90 days when none does). With `decide`, the event is committed first, ' +
    'then a decision is taken with the event in the context and returned as `decision`; when that decision fails ' +
    '(e.g. 503) the event is taken back and the answer is the error, so a retry records it and decides. The same `eventId` again ' +
    'answers 200 `duplicate: true` with the stored event and decides nothing; one used by another customer is a 409.',
  request: { params: CustomerIdParams, body: { required: true, content: json(CustomerEventBody) } },
  responses: {
    200: { description: 'Duplicate: already recorded', content: json(CustomerEventResponseSchema) },
    202: { description: 'Recorded (and decided, with `decide`)', content: json(CustomerEventResponseSchema) },
    ...problemResponses(400, 409, 413, 415, 422, 503),
  },
});

/** Registers the customer routes. */
export function registerCustomers(app: KairosApp, deps: RouteDeps): void {
  const customers = deps.services.customers;
  app.openapi(putCustomer, (c) => {
    const { customer, created } = customers.put(c.req.valid('param').customerId, c.req.valid('json').attributes);
    return created ? c.json(customer, 201) : c.json(customer, 200);
  });
  app.openapi(patchCustomer, (c) => {
    const { customer, created } = customers.patch(c.req.valid('param').customerId, c.req.valid('json').attributes);
    return created ? c.json(customer, 201) : c.json(customer, 200);
  });
  app.openapi(getCustomer, (c) => c.json(customers.get(c.req.valid('param').customerId), 200));
  app.openapi(deleteCustomer, (c) => {
    customers.erase(c.req.valid('param').customerId);
    return c.body(null, 204);
  });
  app.openapi(postEvent, async (c) => {
    const body = c.req.valid('json');
    stopIfTimedOut(c); // the client was told to retry: record nothing now
    const result = await customers.postEvent(c.req.valid('param').customerId, body);
    if (result.decision) c.set('logFields', { decisionId: result.decision.decisionId, channel: result.decision.channel });
    return result.duplicate ? c.json(result, 200) : c.json(result, 202);
  });
}
