/**
 * Static result types of CEL expressions, as far as the syntax tree shows them (CEL language definition,
 * "Standard definitions"): enough to refuse an eligibility rule that can never yield a bool, and to find an
 * identifier the rule cannot read. 'dyn' means "depends on the data" (a map value, an index, an unknown function).
 */
import type { parse } from '@bufbuild/cel';

export type CelExpr = ReturnType<typeof parse>['expr'];
export type StaticType = 'bool' | 'int' | 'uint' | 'double' | 'string' | 'bytes' | 'null' | 'list' | 'map' | 'timestamp' | 'duration' | 'type' | 'dyn';

const BOOL_FUNCTIONS = new Set([
  '_&&_', '_||_', '!_', '_==_', '_!=_', '_<_', '_<=_', '_>_', '_>=_', '@in', '@not_strictly_false',
  'startsWith', 'endsWith', 'contains', 'matches', 'bool',
]);
const ARITHMETIC = new Set(['_+_', '_-_', '_*_', '_/_', '_%_', '-_']);
const TYPED_FUNCTIONS: Readonly<Record<string, StaticType>> = {
  size: 'int', int: 'int', uint: 'uint', double: 'double', string: 'string', bytes: 'bytes', timestamp: 'timestamp',
  duration: 'duration', type: 'type', getFullYear: 'int', getMonth: 'int', getDate: 'int', getDayOfMonth: 'int',
  getDayOfWeek: 'int', getDayOfYear: 'int', getHours: 'int', getMinutes: 'int', getSeconds: 'int', getMilliseconds: 'int',
};
/** Type names CEL resolves as identifiers (`type(x) == int`). */
const TYPE_IDENTIFIERS = new Set(['int', 'uint', 'double', 'bool', 'string', 'bytes', 'list', 'map', 'null_type', 'type', 'dyn']);
const VARIABLE_TYPES: Readonly<Record<string, StaticType>> = { customer: 'map', channel: 'string', now: 'timestamp' };

function constantType(kind: string | undefined): StaticType {
  switch (kind) {
    case 'boolValue': return 'bool';
    case 'int64Value': return 'int';
    case 'uint64Value': return 'uint';
    case 'doubleValue': return 'double';
    case 'stringValue': return 'string';
    case 'bytesValue': return 'bytes';
    case 'nullValue': return 'null';
    case 'durationValue': return 'duration';
    case 'timestampValue': return 'timestamp';
    default: return 'dyn';
  }
}

/** The result type of `expr`; `scope` types a macro's own variables (its iteration and accumulator variables). */
export function inferType(expr: CelExpr, scope: ReadonlyMap<string, StaticType> = new Map()): StaticType {
  const kind = expr.exprKind;
  switch (kind.case) {
    case 'constExpr':
      return constantType(kind.value.constantKind.case);
    case 'identExpr':
      return scope.get(kind.value.name) ?? VARIABLE_TYPES[kind.value.name] ?? (TYPE_IDENTIFIERS.has(kind.value.name) ? 'type' : 'dyn');
    case 'selectExpr':
      return kind.value.testOnly ? 'bool' : 'dyn';
    case 'listExpr':
      return 'list';
    case 'structExpr':
      return kind.value.messageName === '' ? 'map' : 'dyn';
    case 'comprehensionExpr': {
      const c = kind.value;
      const inner = new Map(scope);
      inner.set(c.iterVar, 'dyn');
      if (c.accuInit) inner.set(c.accuVar, inferType(c.accuInit, inner));
      return c.result ? inferType(c.result, inner) : 'dyn';
    }
    case 'callExpr': {
      const { function: name, args } = kind.value;
      if (BOOL_FUNCTIONS.has(name)) return 'bool';
      if (name === '_?_:_' && args.length === 3) {
        const a = inferType(args[1]!, scope);
        const b = inferType(args[2]!, scope);
        if (a === b) return a;
        // One branch may be a bool: the result depends on the data. Two different non-bool types are never a bool.
        return a === 'bool' || b === 'bool' || a === 'dyn' || b === 'dyn' ? 'dyn' : a;
      }
      if (ARITHMETIC.has(name)) {
        // + on strings, lists, timestamps and durations is still never a bool; the operand type is a fair guess.
        const first = args[0] ? inferType(args[0], scope) : 'dyn';
        return first === 'dyn' || first === 'bool' ? 'double' : first;
      }
      return TYPED_FUNCTIONS[name] ?? 'dyn';
    }
    default:
      return 'dyn';
  }
}

/** The first identifier that is neither a declared variable, a macro's variable nor a type name. */
export function undeclaredIdentifier(
  expr: CelExpr,
  variables: readonly string[],
  bound: ReadonlySet<string> = new Set(),
): { name: string; expr: CelExpr } | undefined {
  const kind = expr.exprKind;
  switch (kind.case) {
    case 'identExpr': {
      const name = kind.value.name;
      return variables.includes(name) || bound.has(name) || TYPE_IDENTIFIERS.has(name) ? undefined : { name, expr };
    }
    case 'selectExpr':
      return kind.value.operand ? undeclaredIdentifier(kind.value.operand, variables, bound) : undefined;
    case 'callExpr': {
      const children = kind.value.target ? [kind.value.target, ...kind.value.args] : kind.value.args;
      for (const child of children) {
        const found = undeclaredIdentifier(child, variables, bound);
        if (found) return found;
      }
      return undefined;
    }
    case 'listExpr':
      for (const element of kind.value.elements) {
        const found = undeclaredIdentifier(element, variables, bound);
        if (found) return found;
      }
      return undefined;
    case 'structExpr':
      for (const entry of kind.value.entries) {
        for (const child of [entry.keyKind.case === 'mapKey' ? entry.keyKind.value : undefined, entry.value]) {
          const found = child ? undeclaredIdentifier(child, variables, bound) : undefined;
          if (found) return found;
        }
      }
      return undefined;
    case 'comprehensionExpr': {
      const c = kind.value;
      const inner = new Set([...bound, c.iterVar, c.accuVar]);
      const parts: [CelExpr | undefined, ReadonlySet<string>][] = [
        [c.iterRange, bound], [c.accuInit, bound], [c.loopCondition, inner], [c.loopStep, inner], [c.result, inner],
      ];
      for (const [child, names] of parts) {
        const found = child ? undeclaredIdentifier(child, variables, names) : undefined;
        if (found) return found;
      }
      return undefined;
    }
    default:
      return undefined;
  }
}
