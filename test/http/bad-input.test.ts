/**
 * The bad-input table (issue #9): every route gets malformed, hostile and wrong input, and each row asserts
 *  - the status and problem code, as application/problem+json with nosniff,
 *  - that `errors[]` names the field at fault,
 *  - that nothing changed: the stats, catalog and schema answers and every table's row count and contents are
 *    identical before and after.
 *
 * To add a case, add a row: `{ name, method, path, body?, headers?, status, code, field }`. A string `body` is sent
 * as is (for malformed JSON and tokens JSON.stringify cannot write); anything else is JSON-encoded; `{decisionId}`
 * in a path is replaced by a real decision's id. A new route's rows go in a new block at the end.
 *
 * Duplicate JSON keys: the last one wins (JSON.parse, like most parsers; RFC 8259 §4 leaves it to the
 * implementation). Rows assert that consistently: a body is judged by its last occurrence of a key (see also the
 * accepted case in the last describe block). Rejecting duplicates would need a second parser on the hot path.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createTestHarness, type TestHarness } from '../helpers/harness.js';
import { expectStatus, send, type Reply } from '../helpers/http.js';
import { seedTwoActions } from '../helpers/seed.js';
import { PERSONALIZER_BASES } from '../../src/http/personalizer/errors.js';
import { tableDigests } from '../helpers/table-digest.js';

interface BadInput {
  name: string;
  method: string;
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  status: number;
  code: string;
  /** A field `errors[]` must name. */
  field: string;
}

const DECISION = '/v1/decisions';
const FEEDBACK = '/v1/decisions/{decisionId}/feedback';
const CONTEXT = { age: 30, segment: 'mass' };
const KEYS = '/v1/keys';
const CUSTOMER = '/v1/customers/c-1';
const CUSTOMER_EVENTS = '/v1/customers/c-1/events';
const ACTIVATE = '/v1/decisions/{decisionId}/activate';
const AUDIT = '/v1/decisions/{decisionId}';
const BATCH = '/v1/decisions/batch';
const EVALUATIONS = '/v1/evaluations';
const UNKNOWN_DECISION = '0190a5f2-7c1e-7c3a-8f00-1a2b3c4d5e6f';
const ENTRY = { customerId: 'c1', context: CONTEXT };
const DEEP = '['.repeat(10_000) + ']'.repeat(10_000);
const HUGE = 'x'.repeat(100_000);
const ACTION = { name: 'C', category: 'sales', value: 1 };
const TEXT = { 'content-type': 'text/plain' };
const GZIP = { 'content-encoding': 'gzip' };
const CHANNEL = '/v1/channels/email';
const EMAIL = { name: 'E-mail', direction: 'outbound', contactCost: 1, limit: { contacts: 1, per: '7d' } };
const POLICY = '/v1/contact-policy';
const RULE = { after: 3, outcome: 'ignore', within: '30d', scope: 'action', for: '60d' };

const json = (value: unknown): string => JSON.stringify(value);
const malformed = (method: string, path: string): BadInput => ({
  name: 'malformed JSON', method, path, body: '{"a": 1, ', status: 400, code: 'bad_request', field: 'body',
});
const empty = (method: string, path: string): BadInput => ({
  name: 'empty body', method, path, body: '', status: 400, code: 'bad_request', field: 'body',
});
const gzip = (method: string, path: string, body: unknown): BadInput => ({
  name: 'content-encoding gzip', method, path, body, headers: GZIP, status: 415, code: 'unsupported_media_type', field: 'content-encoding',
});
const textPlain = (method: string, path: string, body: unknown): BadInput => ({
  name: 'content-type text/plain', method, path, body: json(body), headers: TEXT, status: 415, code: 'unsupported_media_type', field: 'content-type',
});
const wrongMethod = (method: string, path: string): BadInput => ({
  name: 'wrong method', method, path, status: 405, code: 'method_not_allowed', field: 'method',
});
const validation = (name: string, method: string, path: string, body: unknown, field: string): BadInput => ({
  name, method, path, body, status: 400, code: 'validation', field,
});

const ROWS: BadInput[] = [
  // ---- POST /v1/decisions -------------------------------------------------------------------------------------
  malformed('POST', DECISION),
  empty('POST', DECISION),
  { name: 'NaN token', method: 'POST', path: DECISION, body: '{"channel":"app","context":{"age":NaN}}', status: 400, code: 'bad_request', field: 'body' },
  { name: 'Infinity token', method: 'POST', path: DECISION, body: '{"channel":"app","context":{"age":Infinity}}', status: 400, code: 'bad_request', field: 'body' },
  { name: '-Infinity token', method: 'POST', path: DECISION, body: '{"channel":"app","context":{},"slots":-Infinity}', status: 400, code: 'bad_request', field: 'body' },
  validation('1e309 in a context feature', 'POST', DECISION, '{"channel":"app","context":{"age":1e309}}', 'context.age'),
  validation('1e309 slots', 'POST', DECISION, '{"channel":"app","context":{},"slots":1e309}', 'slots'),
  validation('depth-10,000 nesting as the body', 'POST', DECISION, DEEP, 'body'),
  validation('depth-10,000 nesting in a context feature', 'POST', DECISION, `{"channel":"app","context":{"age":${DEEP}}}`, 'context.age'),
  validation('depth-10,000 nesting in candidates', 'POST', DECISION, `{"channel":"app","context":{},"candidates":${DEEP}}`, 'candidates.0'),
  validation('a JSON string as the body', 'POST', DECISION, '"app"', 'body'),
  validation('null as the body', 'POST', DECISION, 'null', 'body'),
  textPlain('POST', DECISION, { channel: 'app', context: CONTEXT }),
  { name: 'form-urlencoded', method: 'POST', path: DECISION, body: 'channel=app', headers: { 'content-type': 'application/x-www-form-urlencoded' }, status: 415, code: 'unsupported_media_type', field: 'content-type' },
  { name: 'no content type', method: 'POST', path: DECISION, body: json({ channel: 'app', context: CONTEXT }), headers: { 'content-type': '' }, status: 415, code: 'unsupported_media_type', field: 'content-type' },
  gzip('POST', DECISION, { channel: 'app', context: CONTEXT }),
  { name: 'content-encoding br', method: 'POST', path: DECISION, body: { channel: 'app', context: CONTEXT }, headers: { 'content-encoding': 'br' }, status: 415, code: 'unsupported_media_type', field: 'content-encoding' },
  validation('duplicate key, the last one wrong', 'POST', DECISION, '{"channel":"app","context":{},"channel":5}', 'channel'),
  validation('duplicate context key, the last one wrong', 'POST', DECISION, '{"channel":"app","context":{"age":30,"age":"old"}}', 'context.age'),
  validation('channel of the wrong type', 'POST', DECISION, { channel: 5, context: CONTEXT }, 'channel'),
  validation('context an array', 'POST', DECISION, { channel: 'app', context: [1, 2] }, 'context'),
  validation('context missing', 'POST', DECISION, { channel: 'app' }, 'context'),
  validation('channel missing', 'POST', DECISION, { context: CONTEXT }, 'channel'),
  validation('channel empty', 'POST', DECISION, { channel: '', context: CONTEXT }, 'channel'),
  validation('channel over 64 characters', 'POST', DECISION, { channel: 'c'.repeat(65), context: CONTEXT }, 'channel'),
  validation('candidates not an array', 'POST', DECISION, { channel: 'app', context: CONTEXT, candidates: 'a' }, 'candidates'),
  validation('exclude of numbers', 'POST', DECISION, { channel: 'app', context: CONTEXT, exclude: [7] }, 'exclude.0'),
  validation('slots 0', 'POST', DECISION, { channel: 'app', context: CONTEXT, slots: 0 }, 'slots'),
  validation('slots 11', 'POST', DECISION, { channel: 'app', context: CONTEXT, slots: 11 }, 'slots'),
  validation('slots 1.5', 'POST', DECISION, { channel: 'app', context: CONTEXT, slots: 1.5 }, 'slots'),
  validation('slots a string', 'POST', DECISION, { channel: 'app', context: CONTEXT, slots: '2' }, 'slots'),
  validation('unknown field', 'POST', DECISION, { channel: 'app', context: CONTEXT, slot: 2 }, 'slot'),
  validation('100 KB customer id', 'POST', DECISION, { customerId: HUGE, channel: 'app', context: CONTEXT }, 'customerId'),
  validation('empty customer id', 'POST', DECISION, { customerId: '', channel: 'app', context: CONTEXT }, 'customerId'),
  validation('emoji candidate id', 'POST', DECISION, { channel: 'app', context: CONTEXT, candidates: ['😀'] }, 'candidates.0'),
  validation('NUL in a candidate id', 'POST', DECISION, { channel: 'app', context: CONTEXT, candidates: ['a\u0000'] }, 'candidates.0'),
  validation('100 KB candidate id', 'POST', DECISION, { channel: 'app', context: CONTEXT, candidates: [HUGE] }, 'candidates.0'),
  validation('path traversal as a candidate id', 'POST', DECISION, { channel: 'app', context: CONTEXT, candidates: ['../a'] }, 'candidates.0'),
  validation('a numeric feature as a string', 'POST', DECISION, { channel: 'app', context: { age: 'old' } }, 'context.age'),
  { name: 'an unknown candidate', method: 'POST', path: DECISION, body: { channel: 'app', context: CONTEXT, candidates: ['a', 'ghost'] }, status: 422, code: 'unprocessable', field: 'candidates.1' },

  // ---- POST /v1/decisions/{decisionId}/feedback ---------------------------------------------------------------
  malformed('POST', FEEDBACK),
  empty('POST', FEEDBACK),
  { name: 'NaN reward token', method: 'POST', path: FEEDBACK, body: '{"outcome":"response","reward":NaN}', status: 400, code: 'bad_request', field: 'body' },
  validation('1e309 reward', 'POST', FEEDBACK, '{"outcome":"response","reward":1e309}', 'reward'),
  validation('outcome not in the enum', 'POST', FEEDBACK, { outcome: 'maybe' }, 'outcome'),
  validation('outcome missing', 'POST', FEEDBACK, {}, 'outcome'),
  validation('reward a string', 'POST', FEEDBACK, { outcome: 'response', reward: '1' }, 'reward'),
  validation('unknown field', 'POST', FEEDBACK, { outcome: 'response', weight: 2 }, 'weight'),
  validation('emoji action id', 'POST', FEEDBACK, { outcome: 'response', actionId: '😀' }, 'actionId'),
  validation('duplicate key, the last one wrong', 'POST', FEEDBACK, '{"outcome":"response","outcome":"maybe"}', 'outcome'),
  validation('depth-10,000 nesting as the body', 'POST', FEEDBACK, DEEP, 'body'),
  textPlain('POST', FEEDBACK, { outcome: 'response' }),
  gzip('POST', FEEDBACK, { outcome: 'response' }),
  { name: 'an action not in the decision', method: 'POST', path: FEEDBACK, body: { outcome: 'response', actionId: 'b' }, status: 422, code: 'unprocessable', field: 'actionId' },
  { name: 'an unknown decision', method: 'POST', path: '/v1/decisions/0190a5f2-7c1e-7c3a-8f00-1a2b3c4d5e6f/feedback', body: { outcome: 'response' }, status: 404, code: 'not_found', field: 'decisionId' },
  { name: 'NUL as the decision id', method: 'POST', path: '/v1/decisions/%00/feedback', body: { outcome: 'response' }, status: 404, code: 'not_found', field: 'decisionId' },
  { name: 'emoji as the decision id', method: 'POST', path: '/v1/decisions/%F0%9F%98%80/feedback', body: { outcome: 'response' }, status: 404, code: 'not_found', field: 'decisionId' },
  validation('100 KB decision id', 'POST', `/v1/decisions/${HUGE}/feedback`, { outcome: 'response' }, 'decisionId'),

  // ---- PUT /v1/actions/{actionId} -----------------------------------------------------------------------------
  malformed('PUT', '/v1/actions/c'),
  empty('PUT', '/v1/actions/c'),
  validation('path traversal ..%2F.. as the id', 'PUT', '/v1/actions/..%2F..', ACTION, 'actionId'),
  validation('NUL as the id', 'PUT', '/v1/actions/%00', ACTION, 'actionId'),
  validation('emoji as the id', 'PUT', '/v1/actions/%F0%9F%98%80', ACTION, 'actionId'),
  validation('100 KB id', 'PUT', `/v1/actions/${HUGE}`, ACTION, 'actionId'),
  validation('129-character id', 'PUT', `/v1/actions/${'x'.repeat(129)}`, ACTION, 'actionId'),
  validation('category not in the enum', 'PUT', '/v1/actions/c', { ...ACTION, category: 'marketing' }, 'category'),
  validation('negative value', 'PUT', '/v1/actions/c', { ...ACTION, value: -1 }, 'value'),
  validation('1e309 value', 'PUT', '/v1/actions/c', '{"name":"C","category":"sales","value":1e309}', 'value'),
  validation('value a string', 'PUT', '/v1/actions/c', { ...ACTION, value: '1' }, 'value'),
  validation('lever 0', 'PUT', '/v1/actions/c', { ...ACTION, lever: 0 }, 'lever'),
  validation('likelihood not in the enum', 'PUT', '/v1/actions/c', { ...ACTION, likelihood: 'poisson' }, 'likelihood'),
  validation('name over 200 characters', 'PUT', '/v1/actions/c', { ...ACTION, name: 'n'.repeat(201) }, 'name'),
  validation('name empty', 'PUT', '/v1/actions/c', { ...ACTION, name: '' }, 'name'),
  validation('name missing', 'PUT', '/v1/actions/c', { category: 'sales', value: 1 }, 'name'),
  validation('unknown field', 'PUT', '/v1/actions/c', { ...ACTION, colour: 'red' }, 'colour'),
  validation('an empty channel', 'PUT', '/v1/actions/c', { ...ACTION, channels: [''] }, 'channels.0'),
  validation('depth-10,000 nesting in channels', 'PUT', '/v1/actions/c', `{"name":"C","category":"sales","value":1,"channels":${DEEP}}`, 'channels.0'),
  validation('duplicate key, the last one wrong', 'PUT', '/v1/actions/a', '{"name":"A","category":"sales","value":1,"value":-1}', 'value'),
  textPlain('PUT', '/v1/actions/c', ACTION),
  gzip('PUT', '/v1/actions/c', ACTION),

  // ---- GET /v1/actions/{actionId}, GET /v1/actions/{actionId}/stats, GET /v1/actions, GET /v1/stats ------------
  validation('path traversal ..%2F.. as the id', 'GET', '/v1/actions/..%2F..', undefined, 'actionId'),
  validation('emoji as the id', 'GET', '/v1/actions/%F0%9F%98%80', undefined, 'actionId'),
  validation('100 KB id', 'GET', `/v1/actions/${HUGE}`, undefined, 'actionId'),
  { name: 'an unknown action', method: 'GET', path: '/v1/actions/nope', status: 404, code: 'not_found', field: 'actionId' },
  { name: 'stats of an unknown action', method: 'GET', path: '/v1/actions/nope/stats', status: 404, code: 'not_found', field: 'actionId' },
  validation('stats with path traversal as the id', 'GET', '/v1/actions/..%2F..%2Fschema/stats', undefined, 'actionId'),

  // ---- PUT /v1/schema -----------------------------------------------------------------------------------------
  malformed('PUT', '/v1/schema'),
  empty('PUT', '/v1/schema'),
  validation('features missing', 'PUT', '/v1/schema', {}, 'features'),
  validation('features not an array', 'PUT', '/v1/schema', { features: 'age' }, 'features'),
  validation('an unknown feature type', 'PUT', '/v1/schema', { features: [{ name: 'x', type: 'text' }] }, 'features.0.type'),
  validation('an unknown field in a feature', 'PUT', '/v1/schema', { features: [{ name: 'x', type: 'boolean', weight: 1 }] }, 'features.0.weight'),
  validation('an unknown top-level field', 'PUT', '/v1/schema', { features: [], version: 3 }, 'version'),
  validation('numeric min above max', 'PUT', '/v1/schema', { features: [{ name: 'n', type: 'numeric', min: 5, max: 1 }] }, 'features.0.max'),
  validation('1e309 as a bound', 'PUT', '/v1/schema', '{"features":[{"name":"n","type":"numeric","min":0,"max":1e309}]}', 'features.0.max'),
  validation('two features with one name', 'PUT', '/v1/schema', { features: [{ name: 'x', type: 'boolean' }, { name: 'x', type: 'boolean' }] }, 'features.1.name'),
  validation('a categorical with no values', 'PUT', '/v1/schema', { features: [{ name: 'c', type: 'categorical', values: [] }] }, 'features.0.values'),
  validation('a set with a repeated value', 'PUT', '/v1/schema', { features: [{ name: 's', type: 'set', values: ['x', 'x'] }] }, 'features.0.values.1'),
  validation('a feature name over 128 characters', 'PUT', '/v1/schema', { features: [{ name: 'f'.repeat(129), type: 'boolean' }] }, 'features.0.name'),
  validation('a channel listed twice', 'PUT', '/v1/schema', { features: [], channels: ['app', 'app'] }, 'channels.1'),
  validation('a contact-history window of 7x', 'PUT', '/v1/schema', { features: [], contactHistory: { window: '7x' } }, 'contactHistory.window'),
  validation('a contact-history window of 0d', 'PUT', '/v1/schema', { features: [], contactHistory: { window: '0d' } }, 'contactHistory.window'),
  validation('a contact-history window as a number', 'PUT', '/v1/schema', { features: [], contactHistory: { window: 30 } }, 'contactHistory.window'),
  validation('contactHistory without a window', 'PUT', '/v1/schema', { features: [], contactHistory: {} }, 'contactHistory.window'),
  validation('an unknown contactHistory option', 'PUT', '/v1/schema', { features: [], contactHistory: { window: '7d', cap: 3 } }, 'contactHistory.cap'),
  validation('depth-10,000 nesting as the features', 'PUT', '/v1/schema', `{"features":${DEEP}}`, 'features.0'),
  validation('duplicate key, the last one wrong', 'PUT', '/v1/schema', '{"features":[],"features":5}', 'features'),
  textPlain('PUT', '/v1/schema', { features: [] }),
  gzip('PUT', '/v1/schema', { features: [] }),

  // ---- wrong methods on known paths (405 with Allow) ----------------------------------------------------------
  wrongMethod('DELETE', '/v1/schema'),
  wrongMethod('POST', '/v1/schema'),
  wrongMethod('POST', '/v1/actions'),
  wrongMethod('DELETE', '/v1/actions/a'),
  wrongMethod('PATCH', '/v1/actions/a'),
  wrongMethod('POST', '/v1/actions/a'),
  wrongMethod('PUT', '/v1/actions/a/stats'),
  wrongMethod('GET', DECISION),
  wrongMethod('PUT', DECISION),
  wrongMethod('GET', FEEDBACK),
  wrongMethod('DELETE', FEEDBACK),
  wrongMethod('POST', '/v1/stats'),
  wrongMethod('POST', '/healthz'),
  wrongMethod('DELETE', '/readyz'),
  wrongMethod('POST', '/openapi.json'),
  wrongMethod('POST', '/docs'),
  wrongMethod('DELETE', '/docs/assets/kairos-init.js'),

  // ---- API keys (ops; open here: the harness has no key) ----------------------------------------------------------
  malformed('POST', KEYS),
  empty('POST', KEYS),
  gzip('POST', KEYS, { name: 'web', role: 'app' }),
  textPlain('POST', KEYS, { name: 'web', role: 'app' }),
  validation('an unknown role', 'POST', KEYS, { name: 'web', role: 'admin' }, 'role'),
  validation('no role', 'POST', KEYS, { name: 'web' }, 'role'),
  validation('no name', 'POST', KEYS, { role: 'app' }, 'name'),
  validation('an empty name', 'POST', KEYS, { name: '', role: 'app' }, 'name'),
  validation('a 100 KB name', 'POST', KEYS, { name: HUGE, role: 'app' }, 'name'),
  validation('a NUL in the name', 'POST', KEYS, { name: 'we\u0000b', role: 'app' }, 'name'),
  validation('a name that is a number', 'POST', KEYS, { name: 7, role: 'app' }, 'name'),
  validation('an unknown field (a caller-chosen key)', 'POST', KEYS, { name: 'web', role: 'app', key: 'kairos_mine' }, 'key'),
  { name: 'duplicate keys: the last role is judged', method: 'POST', path: KEYS, body: '{"name":"web","role":"app","role":"root"}', status: 400, code: 'validation', field: 'role' },
  { name: 'a key body nested 10,000 deep', method: 'POST', path: KEYS, body: `{"name":${DEEP},"role":"app"}`, status: 400, code: 'validation', field: 'name' },
  { name: 'revoking an unknown key', method: 'DELETE', path: `${KEYS}/key_doesnotexist`, status: 404, code: 'not_found', field: 'keyId' },
  validation('revoking a key id with a dot', 'DELETE', `${KEYS}/key..x`, undefined, 'keyId'),
  validation('revoking a key id of emoji', 'DELETE', `${KEYS}/%F0%9F%98%80`, undefined, 'keyId'),
  validation('revoking a 100 KB key id', 'DELETE', `${KEYS}/${HUGE}`, undefined, 'keyId'),
  wrongMethod('PUT', KEYS),
  wrongMethod('GET', `${KEYS}/key_x`),

  // ---- channel names are ids -------------------------------------------------------------------------------------
  validation('a NUL in the decision channel', 'POST', DECISION, { channel: 'app\u0000', context: CONTEXT }, 'channel'),
  validation('an emoji channel', 'POST', DECISION, { channel: '\u{1F600}', context: CONTEXT }, 'channel'),
  validation('a channel with a space', 'PUT', '/v1/actions/c', { ...ACTION, channels: ['call centre'] }, 'channels.0'),

  // ---- a rejected decision counts none of its context keys ---------------------------------------------------------
  { name: 'an unknown candidate with an unknown context key', method: 'POST', path: DECISION, body: { channel: 'app', context: { ...CONTEXT, typo: 1 }, candidates: ['ghost'] }, status: 422, code: 'unprocessable', field: 'candidates.0' },

  // ---- the customer brain: PUT/PATCH/GET/DELETE /v1/customers/{customerId}, POST …/events (issue #10) ------------
  malformed('PUT', CUSTOMER),
  empty('PUT', CUSTOMER),
  textPlain('PUT', CUSTOMER, { attributes: {} }),
  gzip('PATCH', CUSTOMER, { attributes: {} }),
  validation('attributes missing', 'PUT', CUSTOMER, {}, 'attributes'),
  validation('attributes an array', 'PUT', CUSTOMER, { attributes: [1] }, 'attributes'),
  validation('an attribute that is an object', 'PUT', CUSTOMER, { attributes: { address: { city: 'Gent' } } }, 'attributes.address'),
  validation('an attribute that is null (PUT)', 'PUT', CUSTOMER, { attributes: { age: null } }, 'attributes.age'),
  validation('an attribute array of numbers', 'PUT', CUSTOMER, { attributes: { products: [1, 2] } }, 'attributes.products'),
  validation('an attribute of 1e309', 'PUT', CUSTOMER, '{"attributes":{"income":1e309}}', 'attributes.income'),
  validation('attributes over 256 keys', 'PUT', CUSTOMER, { attributes: Object.fromEntries(Array.from({ length: 257 }, (_, i) => [`k${i}`, i])) }, 'attributes'),
  validation('attributes over 64 KiB', 'PUT', CUSTOMER, { attributes: { note: 'n'.repeat(65_536) } }, 'attributes'),
  validation('an attribute key over 128 characters', 'PUT', CUSTOMER, { attributes: { ['k'.repeat(129)]: 1 } }, `attributes.${'k'.repeat(129)}`),
  validation('an empty attribute key', 'PATCH', CUSTOMER, { attributes: { '': 1 } }, 'attributes'),
  validation('an unknown field', 'PUT', CUSTOMER, { attributes: {}, segment: 'mass' }, 'segment'),
  validation('an attribute the schema encodes as a number, as text', 'PUT', CUSTOMER, { attributes: { age: 'forty' } }, 'attributes.age'),
  validation('an attribute the schema encodes as a category, as a number (PATCH)', 'PATCH', CUSTOMER, { attributes: { segment: 7 } }, 'attributes.segment'),
  validation('an object in a PATCH', 'PATCH', CUSTOMER, { attributes: { address: { city: 'Gent' } } }, 'attributes.address'),
  validation('a PATCH over 256 keys', 'PATCH', CUSTOMER, { attributes: Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`k${i}`, true])) }, 'attributes'),
  validation('a customer id with a space', 'PUT', '/v1/customers/a%20b', { attributes: {} }, 'customerId'),
  validation('a 129-character customer id', 'GET', `/v1/customers/${'c'.repeat(129)}`, undefined, 'customerId'),
  validation('path traversal as the customer id', 'DELETE', '/v1/customers/..%2F..', undefined, 'customerId'),
  { name: 'an unknown customer', method: 'GET', path: '/v1/customers/nobody', status: 404, code: 'not_found', field: 'customerId' },
  malformed('POST', CUSTOMER_EVENTS),
  empty('POST', CUSTOMER_EVENTS),
  textPlain('POST', CUSTOMER_EVENTS, { type: 'marriage' }),
  validation('an event with no type', 'POST', CUSTOMER_EVENTS, {}, 'type'),
  validation('an event type with a space', 'POST', CUSTOMER_EVENTS, { type: 'house purchase' }, 'type'),
  validation('an event type over 64 characters', 'POST', CUSTOMER_EVENTS, { type: 't'.repeat(65) }, 'type'),
  validation('an empty eventId', 'POST', CUSTOMER_EVENTS, { eventId: '', type: 'marriage' }, 'eventId'),
  validation('a 129-character eventId', 'POST', CUSTOMER_EVENTS, { eventId: 'e'.repeat(129), type: 'marriage' }, 'eventId'),
  validation('a NUL in the eventId', 'POST', CUSTOMER_EVENTS, { eventId: 'e\u0000', type: 'marriage' }, 'eventId'),
  validation('an event an hour in the future', 'POST', CUSTOMER_EVENTS, { type: 'marriage', at: new Date(Date.now() + 3_600_000).toISOString() }, 'at'),
  validation('an event time that is not ISO-8601', 'POST', CUSTOMER_EVENTS, { type: 'marriage', at: 'yesterday' }, 'at'),
  validation('an event time with no zone', 'POST', CUSTOMER_EVENTS, { type: 'marriage', at: '2026-01-01T10:00:00' }, 'at'),
  validation('an event time as a number', 'POST', CUSTOMER_EVENTS, { type: 'marriage', at: 1_700_000_000_000 }, 'at'),
  validation('an event attribute that is an object', 'POST', CUSTOMER_EVENTS, { type: 'marriage', attributes: { spouse: { name: 'A' } } }, 'attributes.spouse'),
  validation('decide on a bad channel', 'POST', CUSTOMER_EVENTS, { type: 'marriage', decide: { channel: 'call centre' } }, 'decide.channel'),
  validation('decide with 0 slots', 'POST', CUSTOMER_EVENTS, { type: 'marriage', decide: { channel: 'app', slots: 0 } }, 'decide.slots'),
  validation('decide with an unknown field', 'POST', CUSTOMER_EVENTS, { type: 'marriage', decide: { channel: 'app', context: {} } }, 'decide.context'),
  validation('an unknown event field', 'POST', CUSTOMER_EVENTS, { type: 'marriage', when: 'now' }, 'when'),
  wrongMethod('POST', CUSTOMER),
  wrongMethod('GET', CUSTOMER_EVENTS),
  validation('an events ttl of 7x', 'PUT', '/v1/schema', { features: [{ name: 'life', type: 'set', values: ['a'], events: { ttl: '7x' } }] }, 'features.0.events.ttl'),
  validation('an events ttl of 0d', 'PUT', '/v1/schema', { features: [{ name: 'life', type: 'set', values: ['a'], events: { ttl: '0d' } }] }, 'features.0.events.ttl'),
  validation('an unknown key inside events', 'PUT', '/v1/schema', { features: [{ name: 'life', type: 'set', values: ['a'], events: { ttl: '7d', max: 3 } }] }, 'features.0.events.max'),
  validation('events on a boolean feature', 'PUT', '/v1/schema', { features: [{ name: 'vip', type: 'boolean', events: { ttl: '7d' } }] }, 'features.0.events'),
  validation('events with no ttl', 'PUT', '/v1/schema', { features: [{ name: 'life', type: 'set', values: ['a'], events: {} }] }, 'features.0.events.ttl'),
  // ---- a decision's life: activate, the audit trail, outbound batches (DESIGN.md §8.5) -------------------------
  { name: 'activate of an unknown decision', method: 'POST', path: `/v1/decisions/${UNKNOWN_DECISION}/activate`, status: 404, code: 'not_found', field: 'decisionId' },
  { name: 'activate of an emoji decision id', method: 'POST', path: '/v1/decisions/%F0%9F%98%80/activate', status: 404, code: 'not_found', field: 'decisionId' },
  validation('activate of a 100 KB decision id', 'POST', `/v1/decisions/${HUGE}/activate`, undefined, 'decisionId'),
  wrongMethod('GET', ACTIVATE),
  wrongMethod('DELETE', AUDIT),
  { name: 'GET of an unknown decision', method: 'GET', path: `/v1/decisions/${UNKNOWN_DECISION}`, status: 404, code: 'not_found', field: 'decisionId' },
  { name: 'GET of a NUL decision id', method: 'GET', path: '/v1/decisions/%00', status: 404, code: 'not_found', field: 'decisionId' },
  validation('GET of a 100 KB decision id', 'GET', `/v1/decisions/${HUGE}`, undefined, 'decisionId'),
  validation('activate a string', 'POST', DECISION, { channel: 'app', context: CONTEXT, activate: 'false' }, 'activate'),
  malformed('POST', BATCH),
  empty('POST', BATCH),
  textPlain('POST', BATCH, { channel: 'app', requests: [ENTRY] }),
  gzip('POST', BATCH, { channel: 'app', requests: [ENTRY] }),
  wrongMethod('PUT', BATCH),
  validation('a batch over 10,000 entries', 'POST', BATCH, { channel: 'app', requests: Array.from({ length: 10_001 }, (_, i) => ({ customerId: `c${i}` })) }, 'requests'),
  validation('a batch with no entries', 'POST', BATCH, { channel: 'app', requests: [] }, 'requests'),
  validation('batch requests a string', 'POST', BATCH, { channel: 'app', requests: 'everyone' }, 'requests'),
  validation('a batch entry whose customer id is a number', 'POST', BATCH, { channel: 'app', requests: [ENTRY, { customerId: 7 }] }, 'requests.1.customerId'),
  validation('a batch entry with no customer id', 'POST', BATCH, { channel: 'app', requests: [{ context: CONTEXT }] }, 'requests.0.customerId'),
  validation('a batch entry whose context is an array', 'POST', BATCH, { channel: 'app', requests: [{ customerId: 'c1', context: [1] }] }, 'requests.0.context'),
  validation('an unknown field in a batch entry', 'POST', BATCH, { channel: 'app', requests: [{ ...ENTRY, contxt: {} }] }, 'requests.0.contxt'),
  validation('a batch with no channel', 'POST', BATCH, { requests: [ENTRY] }, 'channel'),
  validation('a batch channel with a space', 'POST', BATCH, { channel: 'call centre', requests: [ENTRY] }, 'channel'),
  validation('batch slots 0', 'POST', BATCH, { channel: 'app', requests: [ENTRY], slots: 0 }, 'slots'),
  validation('batch activate a string', 'POST', BATCH, { channel: 'app', requests: [ENTRY], activate: 'no' }, 'activate'),
  validation('an unknown batch field', 'POST', BATCH, { channel: 'app', requests: [ENTRY], candidates: ['a'] }, 'candidates'),
  validation('duplicate key in a batch, the last one wrong', 'POST', BATCH, `{"channel":"app","requests":[{"customerId":"c1"}],"requests":5}`, 'requests'),

  // ---- paths that name nothing ----------------------------------------------------------------------------------
  { name: 'an unknown route', method: 'GET', path: '/v1/nothing-here', status: 404, code: 'not_found', field: 'path' },
  { name: 'an unknown API version', method: 'POST', path: '/v2/decisions', body: { channel: 'app', context: CONTEXT }, status: 404, code: 'not_found', field: 'path' },
  { name: 'path traversal out of the docs assets', method: 'GET', path: '/docs/assets/..%2F..%2Fpackage.json', status: 404, code: 'not_found', field: 'file' },

  // ---- channels, the contact policy and engagement policies on actions (issue #10) ------------------------------
  // The seed declares channels app and web, so undeclared channels are refused.
  malformed('PUT', CHANNEL),
  textPlain('PUT', CHANNEL, EMAIL),
  validation('direction not in the enum', 'PUT', CHANNEL, { ...EMAIL, direction: 'sideways' }, 'direction'),
  validation('a negative contact cost', 'PUT', CHANNEL, { ...EMAIL, contactCost: -1 }, 'contactCost'),
  validation('contact cost a string', 'PUT', CHANNEL, { ...EMAIL, contactCost: '1' }, 'contactCost'),
  validation('limit of 0 contacts', 'PUT', CHANNEL, { ...EMAIL, limit: { contacts: 0, per: '7d' } }, 'limit.contacts'),
  validation('limit of 1.5 contacts', 'PUT', CHANNEL, { ...EMAIL, limit: { contacts: 1.5, per: '7d' } }, 'limit.contacts'),
  validation('a 7x limit period', 'PUT', CHANNEL, { ...EMAIL, limit: { contacts: 1, per: '7x' } }, 'limit.per'),
  validation('a 0d limit period', 'PUT', CHANNEL, { ...EMAIL, limit: { contacts: 1, per: '0d' } }, 'limit.per'),
  validation('name missing', 'PUT', CHANNEL, { direction: 'outbound' }, 'name'),
  validation('unknown field', 'PUT', CHANNEL, { ...EMAIL, cost: 1 }, 'cost'),
  validation('a channel id with a space', 'PUT', '/v1/channels/call%20centre', EMAIL, 'channelId'),
  validation('a 65-character channel id', 'PUT', `/v1/channels/${'c'.repeat(65)}`, EMAIL, 'channelId'),
  { name: 'an unknown channel', method: 'GET', path: '/v1/channels/fax', status: 404, code: 'not_found', field: 'channelId' },
  wrongMethod('DELETE', '/v1/channels'),
  malformed('PUT', POLICY),
  validation('suppression missing', 'PUT', POLICY, {}, 'suppression'),
  validation('a 7x within', 'PUT', POLICY, { suppression: [{ ...RULE, within: '7x' }] }, 'suppression.0.within'),
  validation('a 0d for', 'PUT', POLICY, { suppression: [{ ...RULE, for: '0d' }] }, 'suppression.0.for'),
  validation('after 0', 'PUT', POLICY, { suppression: [{ ...RULE, after: 0 }] }, 'suppression.0.after'),
  validation('outcome not in the enum', 'PUT', POLICY, { suppression: [{ ...RULE, outcome: 'click' }] }, 'suppression.0.outcome'),
  validation('scope not in the enum', 'PUT', POLICY, { suppression: [{ ...RULE, scope: 'channel' }] }, 'suppression.0.scope'),
  validation('an empty category list', 'PUT', POLICY, { suppression: [{ ...RULE, categories: [] }] }, 'suppression.0.categories'),
  validation('an unknown category', 'PUT', POLICY, { suppression: [{ ...RULE, categories: ['marketing'] }] }, 'suppression.0.categories.0'),
  validation('a propensity threshold over 1', 'PUT', POLICY, { suppression: [], thresholds: { propensity: { default: 1.5 } } }, 'thresholds.propensity.default'),
  validation('a negative priority threshold', 'PUT', POLICY, { suppression: [], thresholds: { priority: { default: -1 } } }, 'thresholds.priority.default'),
  validation('a threshold on an undeclared channel', 'PUT', POLICY, { suppression: [], thresholds: { propensity: { default: 0, channels: { fax: 0.1 } } } }, 'thresholds.propensity.channels.fax'),
  wrongMethod('POST', POLICY),
  validation('a CEL syntax error (400 with its position)', 'PUT', '/v1/actions/c', { ...ACTION, eligibility: 'customer.age >' }, 'eligibility'),
  validation('CEL that is not boolean: 1 + 2', 'PUT', '/v1/actions/c', { ...ACTION, eligibility: '1 + 2' }, 'eligibility'),
  validation("CEL that is not boolean: 'x'", 'PUT', '/v1/actions/c', { ...ACTION, eligibility: "'x'" }, 'eligibility'),
  validation('CEL naming an undeclared variable', 'PUT', '/v1/actions/c', { ...ACTION, eligibility: 'age >= 18' }, 'eligibility'),
  validation('eligibility a number', 'PUT', '/v1/actions/c', { ...ACTION, eligibility: 5 }, 'eligibility'),
  validation('an undeclared channel in an action', 'PUT', '/v1/actions/c', { ...ACTION, channels: ['app', 'fax'] }, 'channels.1'),
  validation('startAt after endAt', 'PUT', '/v1/actions/c', { ...ACTION, startAt: '2027-01-01T00:00:00Z', endAt: '2026-01-01T00:00:00Z' }, 'endAt'),
  validation('startAt not a date-time', 'PUT', '/v1/actions/c', { ...ACTION, startAt: 'tomorrow' }, 'startAt'),
  validation('dailyCap 0', 'PUT', '/v1/actions/c', { ...ACTION, dailyCap: 0 }, 'dailyCap'),
  validation('dailyCap 2.5', 'PUT', '/v1/actions/c', { ...ACTION, dailyCap: 2.5 }, 'dailyCap'),
  validation('mandatory a string', 'PUT', '/v1/actions/c', { ...ACTION, mandatory: 'yes' }, 'mandatory'),
  // ---- the NBA decision path (issue #10) ------------------------------------------------------------------------
  { name: 'a decision on an undeclared channel', method: 'POST', path: DECISION, body: { channel: 'email', context: CONTEXT }, status: 422, code: 'unprocessable', field: 'channel' },
  { name: 'a decision for an unknown customer with no context', method: 'POST', path: DECISION, body: { customerId: 'ghost', channel: 'app' }, status: 422, code: 'unprocessable', field: 'customerId' },
  validation('explain not a boolean', 'POST', DECISION, { channel: 'app', context: CONTEXT, explain: 'yes' }, 'explain'),
  // ---- GET /v1/lift (issue #11) ---------------------------------------------------------------------------------
  validation('lift from after to', 'GET', '/v1/lift?from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z', undefined, 'from'),
  validation('lift from equal to to', 'GET', '/v1/lift?from=1764547200000&to=1764547200000', undefined, 'from'),
  validation('lift from not a time', 'GET', '/v1/lift?from=yesterday', undefined, 'from'),
  validation('lift to not a time', 'GET', '/v1/lift?to=2026-13-45T99:00:00Z', undefined, 'to'),
  validation('lift to a negative Unix ms', 'GET', '/v1/lift?to=-5', undefined, 'to'),
  validation('lift window over 3,660 days', 'GET', '/v1/lift?from=0&to=2026-12-01T00:00:00Z', undefined, 'from'),
  validation('lift category not in the enum', 'GET', '/v1/lift?category=marketing', undefined, 'category'),
  validation('lift channel with a space', 'GET', '/v1/lift?channel=call%20centre', undefined, 'channel'),
  validation('lift unknown query parameter', 'GET', '/v1/lift?chanel=app', undefined, 'chanel'),
  wrongMethod('POST', '/v1/lift'),
  // ---- the dashboard and its data calls (issue #11 item 4) ------------------------------------------------------
  validation('series from not a date', 'GET', '/v1/stats/series?from=yesterday', undefined, 'from'),
  validation('series to a local time without an offset', 'GET', '/v1/stats/series?to=2026-12-01T10:00', undefined, 'to'),
  validation('series from after to', 'GET', '/v1/stats/series?from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z', undefined, 'from'),
  validation('series from equal to to (Unix ms)', 'GET', '/v1/stats/series?from=1764547200000&to=1764547200000', undefined, 'from'),
  validation('series over 400 days', 'GET', '/v1/stats/series?from=2020-01-01&to=2026-01-01', undefined, 'from'),
  validation('series with an unknown parameter', 'GET', '/v1/stats/series?form=2026-12-01', undefined, 'form'),
  validation('no-action from past the largest date', 'GET', '/v1/stats/no-action?from=9999999999999999', undefined, 'from'),
  validation('no-action from after to', 'GET', '/v1/stats/no-action?from=2026-12-02&to=2026-12-01', undefined, 'from'),
  validation('no-action to a negative number', 'GET', '/v1/stats/no-action?to=-5', undefined, 'to'),
  wrongMethod('POST', '/v1/stats/series'),
  wrongMethod('DELETE', '/v1/stats/no-action'),
  wrongMethod('POST', '/dashboard'),
  { name: 'an asset not in the list', method: 'GET', path: '/dashboard/assets/package.json', status: 404, code: 'not_found', field: 'file' },
  { name: 'an asset path escaping its directory', method: 'GET', path: '/dashboard/assets/..%2F..%2Fconfig.ts', status: 404, code: 'not_found', field: 'file' },
  wrongMethod('PUT', '/dashboard/assets/dashboard.js'),

  // ---- GET /metrics (issue #11): it takes no input, so only its wrong methods -----------------------------------
  wrongMethod('POST', '/metrics'),
  wrongMethod('DELETE', '/metrics'),
  // ---- off-policy evaluations (issue #11) -----------------------------------------------------------------------
  malformed('POST', EVALUATIONS),
  textPlain('POST', EVALUATIONS, { policies: [{ name: 'c' }] }),
  validation('an unknown setting', 'POST', EVALUATIONS, { policies: [{ name: 'c', settings: { learningRate: 0.1 } }] }, 'policies.0.settings.learningRate'),
  validation('priorRate out of range', 'POST', EVALUATIONS, { policies: [{ name: 'c', settings: { priorRate: 1.5 } }] }, 'policies.0.settings.priorRate'),
  validation('drawCorrelation 1', 'POST', EVALUATIONS, { policies: [{ name: 'c', settings: { drawCorrelation: 1 } }] }, 'policies.0.settings.drawCorrelation'),
  validation('from after to', 'POST', EVALUATIONS, { from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z', policies: [{ name: 'c' }] }, 'from'),
  validation('from not a time', 'POST', EVALUATIONS, { from: 'last week', policies: [{ name: 'c' }] }, 'from'),
  validation('a candidate named logged', 'POST', EVALUATIONS, { policies: [{ name: 'logged' }] }, 'policies.0.name'),
  validation('two candidates with one name', 'POST', EVALUATIONS, { policies: [{ name: 'c' }, { name: 'c' }] }, 'policies.1.name'),
  validation('no candidate', 'POST', EVALUATIONS, { policies: [] }, 'policies'),
  validation('11 candidates', 'POST', EVALUATIONS, { policies: Array.from({ length: 11 }, (_, i) => ({ name: `p${i}` })) }, 'policies'),
  validation('unknown field', 'POST', EVALUATIONS, { policies: [{ name: 'c' }], colour: 'red' }, 'colour'),
  // The seeded decision is still pending: no closed decision in the default window (the last 30 days).
  { name: 'a window with no closed decision', method: 'POST', path: EVALUATIONS, body: { policies: [{ name: 'c' }] }, status: 422, code: 'unprocessable', field: 'from' },
  { name: 'an unknown evaluation', method: 'GET', path: `${EVALUATIONS}/nope`, status: 404, code: 'not_found', field: 'evaluationId' },
  validation('limit 0', 'GET', `${EVALUATIONS}?limit=0`, undefined, 'limit'),
  wrongMethod('DELETE', EVALUATIONS),
  // ---- Azure Personalizer (issue #12), both bases: its errors are `{error: {code, target}}` (expectProblem), so
  // `code` is Personalizer's and `field` the target. Its own table: test/http/personalizer-bad-input.test.ts.
  ...PERSONALIZER_BASES.flatMap((base): BadInput[] => {
    const pz = (name: string, method: string, path: string, body: unknown, field: string, status = 400, code = 'BadRequest', headers?: Record<string, string>): BadInput => ({
      name, method, path: `${base}${path}`, body, status, code, field, ...(headers ? { headers } : {}),
    });
    return [
      pz('malformed JSON', 'POST', '/rank', '{"actions": [', 'body'),
      pz('51 actions', 'POST', '/rank', { actions: Array.from({ length: 51 }, (_, i) => ({ id: `a${i}`, features: [] })) }, 'actions'),
      pz('reward 1.5', 'POST', '/events/e-1/reward', { value: 1.5 }, 'value'),
      pz('activate an eventId of 257 characters', 'POST', `/events/${'e'.repeat(257)}/activate`, undefined, 'eventId'),
      pz('multi-slot rank without slots', 'POST', '/multislot/rank', { actions: [{ id: 'a', features: [] }] }, 'slots'),
      pz('slot reward "NaN"', 'POST', '/multislot/events/e-1/reward', { reward: [{ slotId: 's', value: 'NaN' }] }, 'reward.0.value'),
      pz('multi-slot activate an eventId of 257 characters', 'POST', `/multislot/events/${'e'.repeat(257)}/activate`, undefined, 'eventId'),
      pz('defaultReward a string', 'PUT', '/configurations/service', { defaultReward: 'high' }, 'defaultReward'),
      pz('policy arguments of 1025 characters', 'PUT', '/configurations/policy', { name: 'p', arguments: 'x'.repeat(1025) }, 'arguments'),
      pz('model as text/plain', 'PUT', '/model', '{}', 'content-type', 415, 'UnsupportedMediaType', TEXT),
      pz('model signed=maybe', 'GET', '/model?signed=maybe', undefined, 'signed'),
      pz('wrong method', 'PUT', '/model/properties', undefined, 'method', 405, 'MethodNotAllowed'),
      pz('wrong method', 'POST', '/logs', undefined, 'method', 405, 'MethodNotAllowed'),
      pz('wrong method', 'DELETE', '/logs/properties', undefined, 'method', 405, 'MethodNotAllowed'),
    ];
  }),
];

/** Every table's row count and a digest of its contents, plus what the read routes answer. */
async function snapshot(h: TestHarness): Promise<unknown> {
  h.engine.decisionLog.flush();
  const rows = tableDigests(h.db);
  const read = async (path: string): Promise<unknown> => {
    const reply = await send(h, 'GET', path);
    expectStatus(reply, 200);
    return reply.body;
  };
  return {
    rows,
    stats: await read('/v1/stats'),
    catalog: await read('/v1/actions'),
    schema: await read('/v1/schema'),
    channels: await read('/v1/channels'),
    contactPolicy: await read('/v1/contact-policy'),
  };
}

/** A schema, actions a and b, channels app and web, and one pending decision (of action a) whose id rows use as {decisionId}. */
async function seed(): Promise<{ h: TestHarness; decisionId: string }> {
  const h = await seedTwoActions();
  for (const channel of ['app', 'web']) expectStatus(await send(h, 'PUT', `/v1/channels/${channel}`, { name: channel, direction: 'inbound' }), 201);
  const decision = await send(h, 'POST', DECISION, { channel: 'app', context: CONTEXT, candidates: ['a'] });
  expectStatus(decision, 200);
  return { h, decisionId: decision.body.decisionId as string };
}

function expectProblem(reply: Reply, row: BadInput): void {
  if (row.path.startsWith('/personalizer/')) return expectPersonalizerError(reply, row);
  expectStatus(reply, row.status);
  expect(reply.headers.get('content-type'), reply.text).toBe('application/problem+json');
  expect(reply.headers.get('x-content-type-options'), reply.text).toBe('nosniff');
  expect(reply.body, reply.text).toMatchObject({ type: `https://kairos.dev/problems/${row.code}`, status: row.status });
  expect(typeof reply.body.title, reply.text).toBe('string');
  expect(typeof reply.body.detail, reply.text).toBe('string');
  const named = ((reply.body.errors ?? []) as { field: string }[]).map((e) => e.field);
  expect(named, reply.text).toContain(row.field);
  if (row.status === 405) expect(reply.headers.get('allow'), reply.text).toMatch(/^[A-Z]+(, [A-Z]+)*$/);
  if (row.field === 'content-encoding') expect(reply.headers.get('accept-encoding'), reply.text).toBe('identity');
}

/** Under /personalizer/ the same fault is Azure Personalizer's `{error: {code, message, target}}`, not problem+json. */
function expectPersonalizerError(reply: Reply, row: BadInput): void {
  expectStatus(reply, row.status);
  expect(reply.headers.get('content-type'), reply.text).toBe('application/json; charset=utf-8');
  expect(reply.headers.get('x-content-type-options'), reply.text).toBe('nosniff');
  expect(reply.body, reply.text).toMatchObject({ error: { code: row.code, target: row.field } });
  expect(typeof reply.body.error.message, reply.text).toBe('string');
  if (row.status === 405) expect(reply.headers.get('allow'), reply.text).toMatch(/^[A-Z]+(, [A-Z]+)*$/);
}

let h: TestHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('the bad-input table', () => {
  it('has at least 60 rows and covers every registered route', async () => {
    expect(ROWS.length).toBeGreaterThanOrEqual(60);
    ({ h } = await seed());
    const pattern = (path: string) => path.replace(/\{(\w+)\}/g, ':$1');
    const covered = new Set(ROWS.map((row) => pattern(row.path)));
    const routes = new Set(h.app.routes.filter((r) => r.method !== 'ALL').map((r) => r.path));
    // A row names a concrete path; a route counts as covered when some row's path matches its pattern.
    const matches = (route: string) =>
      [...covered].some((path) => new RegExp(`^${route.replace(/:\w+/g, '[^/]+')}$`).test(path));
    const uncovered = [...routes].filter((route) => !matches(route));
    expect(uncovered, 'routes with no bad-input row').toEqual([]);
  });

  for (const row of ROWS) {
    it(`${row.method} ${row.path.length > 80 ? `${row.path.slice(0, 40)}…` : row.path}: ${row.name} → ${row.status} naming ${row.field}`, async () => {
      const seeded = await seed();
      h = seeded.h;
      const before = await snapshot(h);
      const reply = await send(h, row.method, row.path.replace('{decisionId}', seeded.decisionId), row.body, row.headers);
      expectProblem(reply, row);
      expect(await snapshot(h), `state changed after: ${reply.text.slice(0, 300)}`).toEqual(before);
    });
  }
});

describe('a second activate', () => {
  it('answers 204 again and changes nothing: the contacts count and every table are unchanged', async () => {
    h = await seedTwoActions();
    const deferred = await send(h, 'POST', DECISION, { customerId: 'alice', channel: 'app', context: CONTEXT, candidates: ['a'], activate: false });
    expectStatus(deferred, 200);
    const path = `/v1/decisions/${deferred.body.decisionId as string}/activate`;
    expectStatus(await send(h, 'POST', path), 204);
    const contacts = () => (h!.db.sqlite.prepare('SELECT count(*) AS n FROM contacts').get() as { n: number }).n;
    expect(contacts()).toBe(1);
    const before = await snapshot(h);
    const again = await send(h, 'POST', path);
    expectStatus(again, 204);
    expect(again.text).toBe('');
    expect(contacts()).toBe(1);
    expect(await snapshot(h)).toEqual(before);
  });
});

describe('duplicate JSON keys: the last one wins, consistently', () => {
  it('an action whose first value is invalid and last valid is stored with the last', async () => {
    ({ h } = await seed());
    const reply = await send(h, 'PUT', '/v1/actions/c', '{"name":"C","category":"sales","value":-1,"value":7}');
    expectStatus(reply, 201);
    expect(reply.body.value, reply.text).toBe(7);
  });

  it('a decision context judged by its last key', async () => {
    ({ h } = await seed());
    const reply = await send(h, 'POST', DECISION, '{"channel":5,"context":{"age":"old","age":40},"channel":"app"}');
    expectStatus(reply, 200);
    expect(reply.body.channel, reply.text).toBe('app');
  });
});
