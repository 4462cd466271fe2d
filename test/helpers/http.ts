/**
 * Route-test plumbing shared by test/http/*: send a request through `app.request()` and keep status, headers, raw
 * text and parsed JSON together, so every assertion can carry the body in its failure message.
 */
import { expect } from 'vitest';
import type { TestHarness } from './harness.js';

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  body: any;
}

/**
 * `body` is JSON-encoded unless it is a string, which is sent as is (malformed JSON, numbers like 1e400). A request
 * with a body gets `content-type: application/json` unless `headers` says otherwise.
 */
export async function send(
  target: { app: TestHarness['app'] },
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const init: RequestInit = { method, headers };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    init.headers = { 'content-type': 'application/json', ...headers };
  }
  return replyOf(await target.app.request(path, init));
}

/** A response read whole: its text, and its body parsed as JSON when it is JSON (else undefined). */
export async function replyOf(res: Response): Promise<Reply> {
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, text, body };
}

export function expectStatus(reply: Reply, status: number): void {
  expect(reply.status, `status ${reply.status}: ${reply.text}`).toBe(status);
}
