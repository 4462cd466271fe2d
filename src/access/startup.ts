/**
 * The start-up rules of DESIGN.md §10, decided before the service listens: open without keys only on loopback
 * (and only until the first key is created: see access-service.ts),
 * refuse (exit 78) on any other HOST with no active key unless KAIROS_AUTH=off, and KAIROS_BOOTSTRAP_OPS_KEY
 * ensured first so a container can start keyed with one variable.
 */
import type { AuthMode } from './access-service.js';
import type { KeyService } from './key-service.js';
import type { KeyStore } from './key-store.js';

/**
 * 127.0.0.0/8, ::1 (any spelling, IPv4-mapped included) and `localhost` (with or without its trailing dot):
 * addresses no other machine can reach. Other `*.localhost` names are not: a resolver need not map them to loopback.
 */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost' || h === 'localhost.') return true;
  const v4 = h.replace(/^::ffff:/, '');
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4)) return v4.split('.').every((part) => Number(part) <= 255);
  return /^(0{0,4}:){2,7}0{0,3}1$/.test(h) || h === '::1';
}

export type AccessNotice = { level: 'info' | 'warn'; message: string; fields?: Record<string, unknown> };

export type AccessDecision = { ok: true; notices: AccessNotice[] } | { ok: false; message: string };

export const NO_KEY_HINT =
  'create an ops key with `npm run keys -- create --role ops --name admin` against the same data directory, ' +
  'or set KAIROS_BOOTSTRAP_OPS_KEY (generate one with `npm run keys -- generate`), ' +
  'or set KAIROS_AUTH=off to run without keys on purpose';

/** Applies KAIROS_BOOTSTRAP_OPS_KEY, then decides whether the service may start and what it must say. */
export function prepareAccess(deps: {
  keys: KeyService;
  store: KeyStore;
  mode: AuthMode;
  host: string;
  bootstrapOpsKey: string | undefined;
}): AccessDecision {
  const notices: AccessNotice[] = [];
  if (deps.bootstrapOpsKey !== undefined) {
    const outcome = deps.keys.ensureBootstrap(deps.bootstrapOpsKey);
    if (outcome.kind === 'refused') {
      return { ok: false, message: `${outcome.reason}; set a new key in KAIROS_BOOTSTRAP_OPS_KEY or remove it` };
    }
    if (outcome.kind === 'created') {
      notices.push({ level: 'info', message: 'created the bootstrap ops key from KAIROS_BOOTSTRAP_OPS_KEY', fields: { keyId: outcome.keyId } });
    }
  }
  const active = deps.store.active().length;
  const known = deps.store.count();
  if (deps.mode === 'off') {
    notices.push({
      level: 'warn',
      message: `KAIROS_AUTH=off: API keys are not checked; anyone who can reach ${deps.host} may call every route`,
    });
    return { ok: true, notices };
  }
  if (active > 0) {
    notices.push({ level: 'info', message: 'API keys are enforced', fields: { activeKeys: active } });
    return { ok: true, notices };
  }
  if (isLoopbackHost(deps.host) && known > 0) {
    notices.push({
      level: 'warn',
      message: `every API key is revoked: protected routes answer 401 until a key is created; ${NO_KEY_HINT}`,
      fields: { revokedKeys: known },
    });
    return { ok: true, notices };
  }
  if (isLoopbackHost(deps.host)) {
    notices.push({
      level: 'warn',
      message:
        `no API key exists: the service is open to every local caller on ${deps.host}; ` +
        'keys are enforced within a second of the first one being created',
    });
    return { ok: true, notices };
  }
  return {
    ok: false,
    message: `refusing to start: HOST=${deps.host} is not a loopback address and no API key is active; ${NO_KEY_HINT}`,
  };
}
