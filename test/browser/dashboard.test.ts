/**
 * The dashboard in a real browser (issue #11 item 4): Debian's chromium driven by playwright-core (no browser
 * download) against the real service on 127.0.0.1, seeded with a short simulated run (./simulated-run.ts), keys on.
 * Asserts that every chart drew data marks, that the page logged no error, that every request went to 127.0.0.1 and
 * none carried the key in its URL; saves test-results/dashboard.png.
 *
 * The lift, calibration/AUC and evaluation charts need GET /v1/lift, `quality` in the action stats and
 * /v1/evaluations (issue #11 parts A, C, B); without them those charts say "not available" and this test fails on
 * exactly them.
 *
 * Without /usr/bin/chromium the test is skipped (install it with `apt-get install chromium`), except under CI=true,
 * where a missing browser fails.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../helpers/server.js';
import { simulatedRun, type SimulatedRun } from './simulated-run.js';

const CHROMIUM = '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const IN_CI = process.env.CI === 'true' || process.env.CI === '1';
const SCREENSHOT = join(process.cwd(), 'test-results', 'dashboard.png');
/** The flags the issue names, and no network the page did not ask for. */
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

/**
 * Each chart and the marks that are its data (Plot names a mark's group after the mark: `g[aria-label="dot"]`);
 * axes, grids and reference rules (the zero line, the diagonal) are not counted.
 */
const CHARTS: Record<string, string> = {
  lift: 'g[aria-label="dot"] circle',
  bubble: 'g[aria-label="dot"] circle',
  'response-rate': 'g[aria-label="line"] path',
  coefficients: 'g[aria-label="dot"] circle',
  calibration: 'g[aria-label="dot"] circle',
  auc: 'g[aria-label="dot"] circle',
  'no-action': 'g[aria-label="bar"] rect',
  learner: 'g[aria-label="bar"] rect',
  evaluations: 'g[aria-label="dot"] circle',
};

if (!HAVE_CHROMIUM && !IN_CI) console.warn(`skipping the dashboard's browser test: ${CHROMIUM} is missing (install it with: apt-get install chromium)`);

describe.skipIf(!HAVE_CHROMIUM && !IN_CI)('the dashboard in chromium (skipped without /usr/bin/chromium: apt-get install chromium)', () => {
  let run: SimulatedRun;
  let server: RunningServer;
  let context: BrowserContext;
  let profile: string;
  let evaluation: string;

  beforeAll(async () => {
    if (!HAVE_CHROMIUM) throw new Error(`${CHROMIUM} is missing and CI is set: install it with apt-get install chromium`);
    run = await simulatedRun({ KAIROS_CONTROL_SHARE: '0.25' });
    server = await startServer(run.dir, { KAIROS_CONTROL_SHARE: '0.25' });
    evaluation = await finishedEvaluation(server.url, run.keys.analyst);
    // Every decision of the run is in the evaluation: the ones with their outcome in count before the expirer closes
    // them (an evaluation of only the no-action decisions would draw a chart of zeros).
    expect(evaluation).toMatch(/^done, (\d+) of \1 evaluated$/);
    profile = mkdtempSync(join(tmpdir(), 'kairos-chromium-'));
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: ARGS, viewport: { width: 1400, height: 900 } });
  });
  afterAll(async () => {
    await context?.close();
    await server?.stop();
    if (profile) rmSync(profile, { recursive: true, force: true });
    if (run) rmSync(run.dir, { recursive: true, force: true });
  });

  it('draws every chart from the seeded run, with no console error, every request to 127.0.0.1 and no key in a URL', async () => {
    const page = await context.newPage();
    const watch = watchPage(page);
    await page.goto(`${server.url}/dashboard#key=${encodeURIComponent(run.keys.analyst)}`);
    await page.waitForSelector('body[data-loaded]', { timeout: 30_000 });
    mkdirSync(join(process.cwd(), 'test-results'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    const drawn = await page.$$eval('[data-chart]', (slots, charts) =>
      slots.map((slot) => {
        const name = slot.getAttribute('data-chart')!;
        const selector = charts[name];
        return { name, heading: Boolean(slot.closest('.card, .tile')?.querySelector('h2')?.textContent), marks: selector ? slot.querySelectorAll(selector).length : -1, text: slot.textContent?.trim().slice(0, 200) };
      }), CHARTS);
    expect(drawn.map((c) => c.name).sort()).toEqual(Object.keys(CHARTS).sort());
    for (const chart of drawn) {
      expect.soft(chart.heading, `${chart.name} has a heading`).toBe(true);
      expect.soft(chart.marks, `${chart.name} drew no data marks: ${chart.text}${chart.name === 'evaluations' ? ` (evaluation: ${evaluation})` : ''}`).toBeGreaterThan(0);
    }
    // One bar per no-action reason with any count, and the offered share.
    const tiles = await page.$$eval('[data-tile]', (els) => Object.fromEntries(els.map((e) => [e.getAttribute('data-tile')!, e.textContent!.trim()])));
    expect(tiles.decisions, JSON.stringify(tiles)).toBe(run.decisions.toLocaleString('en'));
    expect(tiles['response-rate'], JSON.stringify(tiles)).toMatch(/^\d+\.\d\d %$/);
    expect(await page.$eval('#message', (e) => e.hasAttribute('hidden')), 'no message at the top').toBe(true);

    // The key left the address bar and lives in the tab's sessionStorage only.
    expect(new URL(page.url()).hash).toBe('');
    expect(await page.evaluate(() => sessionStorage.length)).toBe(1);

    expect.soft(watch.errors, watch.errors.join('\n')).toEqual([]);
    expect(watch.requests.length).toBeGreaterThanOrEqual(9);
    for (const url of watch.requests) {
      expect(new URL(url).hostname, url).toBe('127.0.0.1');
      expect(url, 'the key is never in a URL').not.toContain(run.keys.analyst);
    }
    const dataCalls = watch.requests.filter((url) => new URL(url).pathname.startsWith('/v1/'));
    expect(dataCalls.map((url) => new URL(url).pathname).sort()).toEqual(['/v1/evaluations', '/v1/lift', '/v1/stats', '/v1/stats/no-action', '/v1/stats/series']);
    await page.close();
  });

  it('without a key says the server needs an analyst key, and draws nothing', async () => {
    // A new tab: sessionStorage is per tab, so it has no key.
    const page = await context.newPage();
    const watch = watchPage(page);
    await page.goto(`${server.url}/dashboard`);
    await page.waitForSelector('#message:not([hidden])', { timeout: 30_000 });
    expect(await page.textContent('#message')).toContain('needs an analyst key (401');
    expect(await page.$$eval('[data-chart] svg', (svgs) => svgs.length)).toBe(0);
    expect(watch.pageErrors, watch.pageErrors.join('\n')).toEqual([]);
    await page.close();
  });
});

/** Console errors, uncaught page errors and the URL of every request the page makes. */
function watchPage(page: Page): { errors: string[]; pageErrors: string[]; requests: string[] } {
  const out = { errors: [] as string[], pageErrors: [] as string[], requests: [] as string[] };
  page.on('console', (message) => {
    if (message.type() === 'error') out.errors.push(`console: ${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => {
    out.errors.push(`page error: ${error.message}`);
    out.pageErrors.push(error.message);
  });
  page.on('request', (request) => out.requests.push(request.url()));
  return out;
}

/**
 * Runs an off-policy evaluation of one candidate setting so the page has a finished one to show (issue #11 part B);
 * returns what happened, for the failure message when the server has no evaluations yet.
 */
async function finishedEvaluation(url: string, key: string): Promise<string> {
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  const started = await fetch(`${url}/v1/evaluations`, { method: 'POST', headers, body: JSON.stringify({ policies: [{ name: 'cold', settings: { priorRate: 0.2 } }] }) });
  if (started.status !== 202) return `POST /v1/evaluations answered ${started.status}`;
  const { location } = (await started.json()) as { location: string };
  // Bounded: the status endpoint is the API's way to learn that an evaluation finished.
  for (let i = 0; i < 300; i += 1) {
    const status = (await (await fetch(`${url}${location}`, { headers })).json()) as { status: string; error?: string; rows: number; evaluated: number | null };
    if (status.status !== 'running') return `${status.status}${status.error ? `: ${status.error}` : ''}, ${status.evaluated} of ${status.rows} evaluated`;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return 'still running after 300 polls';
}
