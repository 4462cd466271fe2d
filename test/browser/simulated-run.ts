/**
 * A short simulated run for the dashboard's browser test: a small bank on a movable clock (the last ten days up to
 * now, so the page's default window shows them), decisions on the app, the web and e-mail (one contact per customer
 * per 7 days, so later e-mails are no action), outcomes drawn from a known truth with a fixed seed, and the learner
 * run after each day. Runs through the service (harness + app.request()), then leaves the database for a real server.
 */
import { createRng } from '../../src/core/rng.js';
import type { Role } from '../../src/access/keys.js';
import { createTestHarness } from '../helpers/harness.js';
import { expectStatus, send } from '../helpers/http.js';

const DAY_MS = 86_400_000;
const DAYS = 10;
const PER_DAY = 40;
/** True response probability per action and segment (the run's known truth). */
const TRUTH: Record<string, { mass: number; affluent: number }> = {
  card: { mass: 0.3, affluent: 0.1 },
  mortgage: { mass: 0.05, affluent: 0.35 },
  savings: { mass: 0.15, affluent: 0.2 },
  tip: { mass: 0.4, affluent: 0.4 },
};

export interface SimulatedRun {
  dir: string;
  keys: Record<Role, string>;
  decisions: number;
  noAction: number;
  feedback: number;
}

/** Seeds a fresh data directory and closes its engine; the caller starts a server on `dir` and removes it. */
export async function simulatedRun(env: Record<string, string> = {}): Promise<SimulatedRun> {
  const clock = { now: Date.now() - DAYS * DAY_MS };
  const h = await createTestHarness({ apiKeys: true, now: () => clock.now, env });
  const rng = createRng(11);
  const ok = async (method: string, path: string, body?: unknown, status: number | number[] = [200, 201]) => {
    const reply = await send(h, method, path, body, { authorization: `Bearer ${h.apiKeys!.ops}` });
    const allowed = Array.isArray(status) ? status : [status];
    if (!allowed.includes(reply.status)) expectStatus(reply, allowed[0]!);
    return reply.body;
  };
  await ok('PUT', '/v1/schema', {
    features: [
      { name: 'age', type: 'numeric', min: 18, max: 90 },
      { name: 'segment', type: 'categorical', values: ['mass', 'affluent'] },
    ],
    channels: ['app', 'web', 'email'],
  });
  await ok('PUT', '/v1/channels/app', { name: 'App', direction: 'inbound' });
  await ok('PUT', '/v1/channels/web', { name: 'Web', direction: 'inbound' });
  await ok('PUT', '/v1/channels/email', { name: 'E-mail', direction: 'outbound', contactCost: 0, limit: { contacts: 1, per: '7d' } });
  // Values close enough that every action gets offered while the models learn.
  await ok('PUT', '/v1/actions/card', { name: 'Card', category: 'sales', value: 40 });
  await ok('PUT', '/v1/actions/mortgage', { name: 'Mortgage', category: 'sales', value: 50 });
  await ok('PUT', '/v1/actions/savings', { name: 'Savings', category: 'retention', value: 35 });
  await ok('PUT', '/v1/actions/tip', { name: 'Tip', category: 'service', value: 30 });

  let decisions = 0;
  let noAction = 0;
  let feedback = 0;
  for (let day = 0; day < DAYS; day += 1) {
    for (let i = 0; i < PER_DAY; i += 1) {
      clock.now += Math.floor(DAY_MS / (PER_DAY + 1));
      const segment = rng.nextFloat() < 0.5 ? 'mass' : 'affluent';
      const context = { age: 20 + rng.nextInt(60), segment };
      const channel = i % 4 === 0 ? 'email' : i % 4 === 1 ? 'web' : 'app';
      const body = channel === 'email' ? { customerId: `c-${rng.nextInt(12)}`, channel, context } : { channel, context };
      const d = await ok('POST', '/v1/decisions', body, 200);
      decisions += 1;
      if (d.noAction) {
        noAction += 1;
        continue;
      }
      const actionId = d.actions[0].actionId as string;
      const outcome = rng.nextFloat() < TRUTH[actionId]![segment as 'mass' | 'affluent'] ? 'response' : 'ignore';
      await ok('POST', `/v1/decisions/${d.decisionId as string}/feedback`, { outcome }, 202);
      feedback += 1;
    }
    await h.learner.runOnce();
  }
  h.engine.decisionLog.flush();
  // Close the engine and the database but keep the directory (h.close() would remove it) for the server.
  await h.engine.close();
  h.db.close();
  return { dir: h.dir, keys: h.apiKeys!, decisions, noAction, feedback };
}
