/**
 * The security part of /openapi.json, derived from ROUTE_ROLES so the document and the middleware cannot disagree:
 * both key headers as security schemes, `security: []` on public operations, and on protected ones the schemes,
 * the roles (`x-kairos-roles` and a line in the description) and the 401/403 answers.
 */
import { ROUTE_ROLES } from './route-roles.js';

export const SECURITY_SCHEMES = {
  bearerKey: {
    type: 'http',
    scheme: 'bearer',
    description: 'An API key (`kairos_…`) as `Authorization: Bearer <key>`.',
  },
  subscriptionKey: {
    type: 'apiKey',
    in: 'header',
    name: 'Ocp-Apim-Subscription-Key',
    description: 'The same API key in the header Azure Personalizer clients send.',
  },
} as const;

const PROBLEM_CONTENT = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } };
/** Under /personalizer/ refusals are Personalizer's `{error}` (src/http/personalizer/errors.ts). */
const PERSONALIZER_ERROR_CONTENT = { 'application/json': { schema: { $ref: '#/components/schemas/PersonalizerError' } } };

type Operation = { description?: string; security?: unknown; responses?: Record<string, unknown>; [k: string]: unknown };
type Document = { paths?: Record<string, Record<string, Operation>>; components?: Record<string, unknown> };

/** Adds the security schemes and each operation's requirement in place; returns the document. */
export function annotateSecurity<D extends object>(document: D): D {
  const doc = document as Document;
  doc.components = { ...doc.components, securitySchemes: SECURITY_SCHEMES };
  for (const [path, operations] of Object.entries(doc.paths ?? {})) {
    for (const [method, operation] of Object.entries(operations)) {
      const rule = ROUTE_ROLES[`${method.toUpperCase()} ${path}`];
      if (rule === undefined) continue;
      if (rule === 'public') {
        operation.security = [];
        continue;
      }
      operation.security = [{ bearerKey: [] }, { subscriptionKey: [] }];
      operation['x-kairos-roles'] = [...rule];
      const line = `Roles: ${rule.join(', ')}.`;
      const content = path.startsWith('/personalizer/') ? PERSONALIZER_ERROR_CONTENT : PROBLEM_CONTENT;
      operation.description = operation.description ? `${operation.description}\n\n${line}` : line;
      operation.responses = {
        ...operation.responses,
        401: { description: 'No API key, or an unknown or revoked one', content },
        403: { description: `The key's role may not call this route (${rule.join(', ')} may)`, content },
      };
    }
  }
  return document;
}
