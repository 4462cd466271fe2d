/**
 * Eligibility rules (DESIGN.md §8.3): a CEL expression over `customer` (the effective context, a map), `channel`
 * (string) and `now` (timestamp), compiled once when the action is written and evaluated by every decision.
 *
 * @bufbuild/cel (the conformance-tested CEL for ECMAScript) parses and plans; its checker (0.6.1) does not yet type
 * calls or field selections ("Unsupported expression kind"), so a rule's result type is inferred here from the
 * syntax tree: the operators, macros and standard functions whose result is known. A rule whose result is known not
 * to be a bool (`1 + 2`, `'x'`, `channel`) is refused at compile time; one whose result depends on the data
 * (`customer.vip`) is accepted, and a non-boolean result at decision time counts as an error, like a missing key.
 */
import { celEnv, celMap, CelScalar, isCelError, mapType, objectType, parse, plan, type CelMap } from '@bufbuild/cel';
import { inferType, undeclaredIdentifier, type CelExpr, type StaticType } from './eligibility-types.js';

/** Longest accepted rule, in characters: a rule is evaluated by every decision on its action. */
export const MAX_ELIGIBILITY_LENGTH = 4096;

export interface EligibilityRule {
  readonly source: string;
  /**
   * true / false, or 'error' when evaluation fails (a missing key, a type mismatch, a non-boolean result): the
   * decision path treats 'error' as not eligible and counts it. `now` is Unix ms. `customer` is wrapped for CEL once
   * per object and the wrapper reused: do not mutate a context between evaluations (build a new object instead).
   */
  evaluate(customer: Record<string, unknown>, channel: string, now: number): boolean | 'error';
}

export type EligibilityCompileResult =
  | { ok: true; rule: EligibilityRule }
  | { ok: false; message: string; line: number; column: number };

/** The variables a rule may read. `now` is a google.protobuf.Timestamp, built per evaluation below. */
const VARIABLES = ['customer', 'channel', 'now'] as const;

// The env's declared types only serve the planner's name resolution; the static typing is ours (see above).
const ENV = celEnv({
  variables: { customer: mapType(CelScalar.STRING, CelScalar.DYN), channel: CelScalar.STRING, now: objectType('google.protobuf.Timestamp') },
});

interface ParseFailure {
  message?: unknown;
  location?: { start?: { line?: number; column?: number } };
}

/** The message without the parser's `<input>:L:C: ` prefix (the position is reported separately). */
function bareMessage(message: string): string {
  return message.replace(/^<input>:\d+:\d+:\s*/, '');
}

/** Line and column (1-based) of a node, from the parser's source info (offsets of line starts). */
function positionOf(source: string, offset: number | undefined): { line: number; column: number } {
  if (offset === undefined || offset < 0) return { line: 1, column: 1 };
  const before = source.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}

/**
 * The customer as a CEL map, built once per context object: a decision evaluates every candidate's rule over the same
 * effective context, and wrapping it is most of a simple rule's cost. Keyed weakly, so a context is not kept alive.
 */
const customerMaps = new WeakMap<Record<string, unknown>, CelMap>();
function customerMap(customer: Record<string, unknown>): CelMap {
  let map = customerMaps.get(customer);
  if (!map) {
    map = celMap(new Map(Object.entries(customer)) as never);
    customerMaps.set(customer, map);
  }
  return map;
}

function timestampOf(ms: number): unknown {
  const seconds = Math.floor(ms / 1000);
  return { $typeName: 'google.protobuf.Timestamp', seconds: BigInt(seconds), nanos: Math.round((ms - seconds * 1000) * 1e6) };
}

const NOT_BOOLEAN = (type: StaticType): string => `must be a boolean expression; this one yields ${type}`;

/**
 * Compiles a rule, or says why not with the 1-based line and column of the fault: a syntax error, an identifier
 * other than customer, channel and now (outside a macro's own variable), or a result that is never a bool.
 */
export function compileEligibility(source: string): EligibilityCompileResult {
  if (source.length > MAX_ELIGIBILITY_LENGTH) {
    return { ok: false, message: `must be at most ${MAX_ELIGIBILITY_LENGTH} characters`, line: 1, column: 1 };
  }
  if (source.trim() === '') return { ok: false, message: 'must not be empty', line: 1, column: 1 };
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(source);
  } catch (error) {
    const failure = error as ParseFailure;
    const start = failure.location?.start;
    const message = typeof failure.message === 'string' ? bareMessage(failure.message) : 'syntax error';
    return { ok: false, message: `syntax error: ${message}`, line: start?.line ?? 1, column: start?.column ?? 1 };
  }
  const offsets = parsed.sourceInfo?.positions ?? {};
  const at = (expr: CelExpr) => positionOf(source, offsets[String(expr.id)] as number | undefined);
  const undeclared = undeclaredIdentifier(parsed.expr, VARIABLES);
  if (undeclared) {
    return { ok: false, message: `undeclared reference to '${undeclared.name}' (the variables are customer, channel and now)`, ...at(undeclared.expr) };
  }
  const type = inferType(parsed.expr);
  if (type !== 'bool' && type !== 'dyn') return { ok: false, message: NOT_BOOLEAN(type), ...at(parsed.expr) };
  let program: (ctx: Record<string, unknown>) => unknown;
  try {
    const planned = plan(ENV, parsed);
    program = (ctx) => planned(ctx as never);
  } catch (error) {
    return { ok: false, message: `cannot be planned: ${(error as Error).message}`, ...at(parsed.expr) };
  }
  return {
    ok: true,
    rule: {
      source,
      evaluate(customer, channel, now) {
        let result: unknown;
        try {
          result = program({ customer: customerMap(customer), channel, now: timestampOf(now) });
        } catch {
          return 'error';
        }
        if (isCelError(result) || typeof result !== 'boolean') return 'error';
        return result;
      },
    },
  };
}
