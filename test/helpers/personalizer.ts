/**
 * Azure's two Personalizer clients pointed at a real Kairos server with API keys enforced, and a recording server
 * that answers like Personalizer so the clients' own requests can be read byte for byte.
 */
import { rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PersonalizerClient } from '@azure/cognitiveservices-personalizer';
import { ApiKeyCredentials } from '@azure/ms-rest-js';
import restModule from '@azure-rest/ai-personalizer';
import { AzureKeyCredential } from '@azure/core-auth';
import { contextFeatures, drawContext, worldActions, worldReward } from '../../scripts/regret/personalizer-world.js';
import { generateKey } from '../../src/access/keys.js';
import { createRng } from '../../src/core/rng.js';
import { tempDir } from './harness.js';
import { json, startServer, type RunningServer } from './server.js';

export { isUnexpected } from '@azure-rest/ai-personalizer';

/**
 * The package is CommonJS with `exports.default`: under Node's ESM loader (and TypeScript's NodeNext view of it) the
 * default import is the whole `module.exports`, so the factory is one `.default` further down; vitest's interop
 * unwraps that level itself. Either way, the factory.
 */
const createRestClient: typeof restModule.default =
  typeof (restModule as unknown) === 'function' ? (restModule as unknown as typeof restModule.default) : restModule.default;
export type RestPersonalizerClient = ReturnType<typeof createRestClient>;

/** The classic client (`@azure/cognitiveservices-personalizer`, base {endpoint}/personalizer/v1.0). */
export function classicClient(endpoint: string, key: string): PersonalizerClient {
  return new PersonalizerClient(new ApiKeyCredentials({ inHeader: { 'Ocp-Apim-Subscription-Key': key } }), endpoint);
}

/** The REST client (`@azure-rest/ai-personalizer`, default base {endpoint}/personalizer/v1.1-preview.3). */
export function restClient(endpoint: string, key: string): RestPersonalizerClient {
  return createRestClient(endpoint, new AzureKeyCredential(key), { allowInsecureConnection: true });
}

export interface PersonalizerServer {
  server: RunningServer;
  url: string;
  dataDir: string;
  /** Keys of each role: ops (configuration, model, logs), app (rank, reward, activate). */
  opsKey: string;
  appKey: string;
  /** fetch against the server with the ops key (for reads the clients do not offer, e.g. /v1 stats). */
  ops(path: string, init?: RequestInit): Promise<Response>;
  stop(): Promise<void>;
}

/**
 * Starts the real service with KAIROS_BOOTSTRAP_OPS_KEY (so keys are enforced from the first request) and creates
 * an app key through POST /v1/keys.
 */
export async function startPersonalizerServer(env: Record<string, string> = {}): Promise<PersonalizerServer> {
  const dataDir = tempDir('kairos-pz-');
  const opsKey = generateKey();
  const server = await startServer(dataDir, { KAIROS_WORKERS: '1', KAIROS_DEMO: 'false', KAIROS_BOOTSTRAP_OPS_KEY: opsKey, ...env });
  const ops = (path: string, init: RequestInit = {}): Promise<Response> =>
    fetch(`${server.url}${path}`, { ...init, headers: { 'ocp-apim-subscription-key': opsKey, ...(init.headers as Record<string, string>) } });
  const created = await ops('/v1/keys', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'app', role: 'app' }) });
  if (created.status !== 201) throw new Error(`POST /v1/keys → ${created.status}: ${await created.text()}`);
  const { key: appKey } = await json<{ key: string }>(created);
  return {
    server,
    url: server.url,
    dataDir,
    opsKey,
    appKey,
    ops,
    async stop() {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** One request as the recording server saw it. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface RecordingServer {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/**
 * A stand-in for Personalizer on 127.0.0.1 that records every request and answers with the status each client
 * expects (rank 201 with a one-action ranking, configuration reads 200, the rest 204), so the clients resolve.
 */
export async function startRecordingServer(): Promise<RecordingServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = req.url ?? '';
      requests.push({ method: req.method ?? '', path, headers: req.headers, body: Buffer.concat(chunks) });
      const send = (status: number, body?: unknown): void => {
        res.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' });
        res.end(body === undefined ? undefined : JSON.stringify(body));
      };
      if (path.endsWith('/multislot/rank')) send(201, { slots: [{ id: 'main', rewardActionId: 'a' }], eventId: 'e' });
      else if (path.endsWith('/rank')) send(201, { ranking: [{ id: 'a', probability: 1 }], eventId: 'e', rewardActionId: 'a' });
      else if (req.method === 'GET' || (req.method === 'PUT' && path.includes('/configurations/'))) send(200, {});
      else send(204);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Plays the tutorial world (scripts/regret/personalizer-world.ts) through the classic client, one event at a time:
 * rank the foods for a drawn context, reward the served food 1 if it is the preferred one, else 0. Returns every
 * event's reward in order.
 */
export async function playWorldThroughClassicClient(client: PersonalizerClient, seed: number, events: number): Promise<number[]> {
  const rng = createRng(seed);
  const rewards: number[] = [];
  for (let i = 0; i < events; i++) {
    const context = drawContext(rng);
    const ranked = await client.rank({ contextFeatures: contextFeatures(context), actions: worldActions() });
    const value = worldReward(context, ranked.rewardActionId!);
    await client.events.reward(ranked.eventId!, { value });
    rewards.push(value);
  }
  return rewards;
}
