import { freePort } from '../../src/embedded/wait-for-port.js';
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OperationList } from '../support/api-answers.js';
import { fastImportCommit, type FastImportFile } from '../support/fast-import.js';
import { git } from '../support/git-cli.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';

const CHROMIUM = '/usr/bin/chromium';
const TEMPORAL_UI = 'http://temporal-ui.example:8080';
const ARTIFACTS = path.resolve('test-artifacts');

let h: SyncHarness;
let browser: Browser;
let url: string;


/** Enough files and bytes that the import takes a few seconds, so the bar is seen moving. */
function* bigRepository(): Generator<FastImportFile> {
  yield { path: 'README.md', content: '# big\n\nA repository to import.\n' };
  for (let index = 0; index < 3000; index += 1) {
    yield { path: `docs/part-${String(index).padStart(4, '0')}.md`, content: `# Part ${index}\n\n${randomBytes(3000).toString('base64')}\n` };
  }
}

/** Everything the browser reported as an error: script failures and Content-Security-Policy refusals. */
const browserErrors: string[] = [];

/** A fresh browser context: its own, empty sessionStorage and localStorage. */
async function openPage(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const page = await context.newPage();
  page.on('pageerror', (error) => browserErrors.push(error.message));
  page.on('console', (message) => {
    // A refused key is an expected 401 the console reports as a failed resource; anything else counts.
    if (message.type() === 'error' && !/status of 401/.test(message.text())) browserErrors.push(message.text());
  });
  await page.goto(url);
  return { context, page };
}

// Browser-side code is passed as text: this project's TypeScript knows Node's globals, not the DOM's.
const storedKeys = (page: Page) =>
  page.evaluate<{ session: string | null; sessionLength: number; localLength: number }>(
    "({ session: sessionStorage.getItem('reposync.apiKey'), sessionLength: sessionStorage.length, localLength: localStorage.length })",
  );
const focusedId = (page: Page) => page.evaluate<string>("document.activeElement?.id ?? ''");

beforeAll(async () => {
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  h = await startSyncHarness({ env: { PUBLIC_URL: url, TEMPORAL_UI_URL: TEMPORAL_UI } });
  await h.app.listen({ port, host: '127.0.0.1' });
  await h.github.repos.create('octo', 'big', {});
  await fastImportCommit(h.github.repos.path('octo', 'big'), 'main', bigRepository());
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  await mkdir(ARTIFACTS, { recursive: true });
}, 180_000);

afterAll(async () => {
  // Nothing the page does is refused by its own Content-Security-Policy, and no script fails.
  expect(browserErrors).toEqual([]);
  await browser?.close();
  await h?.close();
});

describe('the status page in a real browser, against the running service', () => {
  it('is served with a strict Content-Security-Policy and stays out of the OpenAPI document', async () => {
    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(await page.text()).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect((await fetch(`${url}/ui/app.js`)).headers.get('content-type')).toMatch(/^text\/javascript/);
    expect((await fetch(`${url}/ui/..%2Fconfig.ts`)).status).toBe(404);
    // The settings the page reads need the key, like every figure it shows.
    expect((await fetch(`${url}/ui/settings.json`)).status).toBe(401);
    const openapi = (await (await fetch(`${url}/docs/json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(openapi.paths).filter((route) => route === '/' || route.startsWith('/ui'))).toEqual([]);
  });

  it('says clearly that a wrong key was refused, and stores nothing', async () => {
    const { context, page } = await openPage();
    await page.getByLabel('API key').fill('rsk_not_a_real_key_at_all');
    await page.getByRole('button', { name: 'Show status' }).click();
    await expect.poll(() => page.locator('#key-message').textContent()).toMatch(/refused this key \(401 Unauthorized\)/);
    expect(await page.getByRole('alert').textContent()).toContain('Check the key and enter it again');
    expect(await page.locator('#projects-section').isHidden()).toBe(true);
    expect(await storedKeys(page)).toEqual({ session: null, sessionLength: 0, localLength: 0 });
    await context.close();
  });

  it('takes the key by keyboard alone and keeps it in sessionStorage, never in localStorage or the URL', async () => {
    const { context, page } = await openPage();
    await page.evaluate('document.activeElement?.blur()');
    for (let presses = 0; presses < 10 && (await focusedId(page)) !== 'api-key'; presses += 1) await page.keyboard.press('Tab');
    expect(await focusedId(page)).toBe('api-key');
    await page.keyboard.type(h.key);
    await page.keyboard.press('Tab');
    expect(await page.evaluate<string>('document.activeElement?.textContent')).toBe('Show status');
    await page.keyboard.press('Enter');
    await page.locator('#projects-section').waitFor({ state: 'visible' });
    expect(await storedKeys(page)).toEqual({ session: h.key, sessionLength: 1, localLength: 0 });
    expect(page.url()).not.toContain(h.key);
    // A reload in the same tab reconnects from sessionStorage; "Forget key" removes it.
    await page.reload();
    await page.locator('#projects-section').waitFor({ state: 'visible' });
    await page.getByRole('button', { name: 'Forget key' }).click();
    expect(await storedKeys(page)).toEqual({ session: null, sessionLength: 0, localLength: 0 });
    expect(await page.getByLabel('API key').isVisible()).toBe(true);
    await context.close();
  });

  it('shows the initial import with a moving progress bar, then synced, with its operation, duration and Temporal link; then a pushed commit as a new operation', async () => {
    const { context, page } = await openPage();
    await page.getByLabel('API key').fill(h.key);
    await page.keyboard.press('Enter');
    await page.locator('#projects-section').waitFor({ state: 'visible' });

    const { id } = await h.link('octo', 'big');
    const row = page.locator(`#projects tbody tr[data-id="${id}"]`);
    await row.waitFor();
    expect(await row.locator('td').nth(1).textContent()).toBe('default branch');
    // Holding the archive back a moment makes the pending phase visible before the bytes flow; a
    // slow link (1 MiB/s, several seconds for these ~9 MB) keeps the import going long enough for
    // its saved progress to move, as files are saved every couple of seconds.
    h.github.faults.add({ path: /\/octo\/big\/legacy\.zip\//, delayMs: 1_500, bytesPerSecond: 1024 * 1024, times: 1 });
    const started = await h.app.inject({ method: 'POST', url: `/api/projects/${id}/sync/initial`, headers: h.auth() });
    expect(started.statusCode).toBe(202);

    // Samples the bar as a person would see it, until the row says synced.
    type Sample = { visible: boolean; value: string | null; valuetext: string | null; status: string | null };
    const seen: Sample[] = [];
    let screenshotTaken = false;
    const deadline = Date.now() + 120_000;
    for (;;) {
      const sample = await page.evaluate<Sample>(`(() => {
        const row = document.querySelector('#projects tbody tr[data-id="${id}"]');
        const progress = row.querySelector('progress');
        return { visible: getComputedStyle(progress).visibility === 'visible', value: progress.getAttribute('value'), valuetext: progress.getAttribute('aria-valuetext'), status: row.cells[2].textContent };
      })()`);
      seen.push(sample);
      const value = Number(sample.value);
      if (!screenshotTaken && sample.visible && value > 0 && value < 100) {
        await page.screenshot({ path: path.join(ARTIFACTS, 'status-page-syncing.png') });
        screenshotTaken = true;
      }
      if (sample.status === 'synced') break;
      if (sample.status === 'failed' || Date.now() > deadline) throw new Error(`the sync did not end synced: ${JSON.stringify(seen.slice(-5))}`);
      await page.waitForTimeout(100);
    }
    const partial = seen.filter((sample) => sample.visible && sample.value !== null && Number(sample.value) > 0 && Number(sample.value) < 100);
    expect(partial.length, JSON.stringify(seen)).toBeGreaterThan(0);
    expect(partial[0]!.valuetext).toMatch(/^\d+%, \d+ of 3001 files$/);
    // The bar moved forward, and is hidden (its space kept) once the sync is over.
    expect(Math.max(...partial.map((sample) => Number(sample.value)))).toBeGreaterThanOrEqual(Number(partial[0]!.value));
    expect(seen.some((sample) => sample.visible && (sample.status === 'pending' || sample.status === 'syncing'))).toBe(true);
    await expect.poll(() => page.evaluate<string>(`getComputedStyle(document.querySelector('#projects tbody tr[data-id="${id}"] progress')).visibility`)).toBe('hidden');
    await expect.poll(() => row.locator('time').count()).toBe(1);
    await expect.poll(() => row.locator('td').nth(1).textContent()).toBe('main');

    const operations = page.locator('#operations tbody tr');
    await expect.poll(() => operations.count()).toBe(1);
    const first = operations.first().locator('td');
    expect(await first.nth(0).textContent()).toBe('initial');
    expect(await first.nth(1).textContent()).toBe('succeeded');
    expect(await first.nth(3).textContent()).toMatch(/^\d+(\.\d)? (ms|s)$|^\d+ min \d+ s$/);
    const { operations: recorded } = (await h.app.inject({ method: 'GET', url: `/api/projects/${id}/operations`, headers: h.auth() })).json<OperationList>();
    expect(await first.nth(7).locator('a').getAttribute('href')).toBe(`${TEMPORAL_UI}/namespaces/default/workflows/${encodeURIComponent(recorded[0]!.workflowId!)}`);
    await expect.poll(() => page.locator('#duration-chart rect').count()).toBe(1);

    await h.github.repos.commit('octo', 'big', { message: 'more docs', files: { 'docs/new.md': '# New\n' } });
    const head = (await git(h.github.repos.path('octo', 'big'), ['rev-parse', 'refs/heads/main'])).trim();
    const synced = await h.app.inject({ method: 'POST', url: `/api/projects/${id}/sync`, headers: h.auth() });
    expect(synced.statusCode).toBe(202);
    // The push may also arrive by webhook; either way the newest row is an incremental sync to the new head.
    const newest = () => operations.first().locator('td').allTextContents();
    await expect.poll(newest, { timeout: 60_000 }).toEqual(['incremental', 'succeeded', expect.any(String), expect.any(String), head.slice(0, 7), expect.any(String), '', 'Temporal']);
    expect(await operations.count()).toBeGreaterThanOrEqual(2);
    const added = await operations.evaluateAll((rows) => rows.map((row) => row.textContent ?? ''));
    expect(added.some((text) => text.includes('+1 ~0 −0'))).toBe(true);
    await expect.poll(() => page.locator('#duration-chart rect').count()).toBe(await operations.count());

    const screenshot = path.join(ARTIFACTS, 'status-page.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    console.log(`status page screenshot: ${screenshot} (mid-sync: ${path.join(ARTIFACTS, 'status-page-syncing.png')})`);
    await context.close();
  }, 180_000);

  it("shows a failed sync's error code and message, in the project list and in its operation", async () => {
    await h.github.repos.create('octo', 'broken', {});
    await h.github.repos.commit('octo', 'broken', { message: 'first', files: { 'README.md': '# broken\n' } });
    const { id } = await h.link('octo', 'broken');
    // GitHub stops accepting the project's token: a 401 the sync cannot retry its way out of.
    h.github.faults.add({ path: '/repos/octo/broken', status: 401, body: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' } });
    const { status } = await h.initialSync(id);
    expect(status).toBe('failed');

    const { context, page } = await openPage();
    await page.getByLabel('API key').fill(h.key);
    await page.keyboard.press('Enter');
    const row = page.locator(`#projects tbody tr[data-id="${id}"]`);
    await row.waitFor();
    expect(await row.locator('td').nth(2).textContent()).toBe('failed');
    expect(await row.locator('td').nth(2).getAttribute('title')).toMatch(/^auth-failed: /);
    // Selecting the project by keyboard shows its operations.
    await row.getByRole('button', { name: 'octo/broken' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#detail-heading').textContent()).toBe('Recent operations of octo/broken');
    const failed = page.locator('#operations tbody tr').first().locator('td');
    await expect.poll(() => failed.nth(1).textContent()).toBe('failed');
    expect(await failed.nth(6).textContent()).toMatch(/^auth-failed: .+/);
    expect(await page.locator('#duration-chart rect.bar-failed').count()).toBe(1);
    await context.close();
  });
});
