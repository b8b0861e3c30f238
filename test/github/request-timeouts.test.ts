import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openZipball } from '../../src/github/archive-download.js';
import { createOctokit } from '../../src/github/octokit.js';
import type { ProjectGitHub } from '../../src/github/project-client.js';
import { countRequests } from '../../src/github/request-counter.js';
import { githubFailure } from '../../src/github/sync-failure.js';
import { RequestTimeoutError, timedFetch, type RequestTimeouts } from '../../src/github/timed-fetch.js';
import { createS3BlobStore } from '../../src/storage/s3-blob-store.js';
import { quiet, startHarness, type Harness } from '@reposync/github-emulator/testing';

const short: RequestTimeouts = { answerMs: 400, idleMs: 400 };

/** A client for one project as the worker builds it, with the given deadlines. */
function projectClient(h: Harness, timeouts: RequestTimeouts): ProjectGitHub {
  const octokit = createOctokit({ baseUrl: h.emulator.url, auth: h.emulator.token, requestTimeouts: timeouts, log: quiet });
  return { octokit, requests: countRequests(octokit), authorization: async () => `token ${h.emulator.token}`, fetch: timedFetch(timeouts) };
}

async function readAll(stream: Readable, pauseMs = 0): Promise<number> {
  let bytes = 0;
  for await (const chunk of stream) {
    bytes += (chunk as Buffer).length;
    if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
  return bytes;
}

describe('deadlines on requests to GitHub', () => {
  let h: Harness;
  let archivePath: string;
  let archiveBytes: number;

  beforeAll(async () => {
    h = await startHarness();
    await h.emulator.repos.create('acme', 'slow');
    // Incompressible content, so the archive is large enough to arrive in many chunks.
    await h.emulator.repos.commit('acme', 'slow', { message: 'init', files: { 'noise.bin': randomBytes(1536 * 1024), 'README.md': 'slow\n' } });
    const location = (await fetch(`${h.emulator.url}/repos/acme/slow/zipball/main`, { redirect: 'manual' })).headers.get('location')!;
    archivePath = new URL(location).pathname;
    archiveBytes = (await (await fetch(location)).arrayBuffer()).byteLength;
  });
  afterAll(() => h.close());

  it('fails a request whose answer does not come, naming the request and the deadline', async () => {
    let release!: () => void;
    h.emulator.faults.add({ path: '/repos/acme/slow', holdUntil: new Promise<void>((resolve) => (release = resolve)), times: 1 });
    const started = Date.now();
    const answer = timedFetch(short)(`${h.emulator.url}/repos/acme/slow?token=secret`);
    await expect(answer).rejects.toThrow(RequestTimeoutError);
    await expect(answer).rejects.toThrow(`GET ${h.emulator.url}/repos/acme/slow: no answer within 400 ms`);
    expect(Date.now() - started).toBeLessThan(5_000);
    release();
  });

  it('gives up on a hung request inside Octokit and retries it, so the call is answered', async () => {
    let release!: () => void;
    const hold = h.emulator.faults.add({ path: '/repos/acme/slow', holdUntil: new Promise<void>((resolve) => (release = resolve)), times: 1 });
    const { octokit } = projectClient(h, short);
    const started = Date.now();
    const { data } = await octokit.request('GET /repos/{owner}/{repo}', { owner: 'acme', repo: 'slow' });
    // The held attempt was never answered: this answer came to the retry after the deadline.
    expect(data.full_name).toBe('acme/slow');
    expect(hold.hits).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(short.answerMs);
    release();
  });

  it('turns a timed-out request into a retryable sync failure', async () => {
    const failure = githubFailure(new RequestTimeoutError('GET /repos/acme/slow: no answer within 400 ms'), 'acme/slow');
    expect(failure.nonRetryable).toBe(false);
    expect(failure.type).toBe('github-unavailable');
    expect(failure.message).toContain('no answer within 400 ms');
  });

  it('fails an archive download whose body goes quiet halfway', async () => {
    h.emulator.faults.add({ path: archivePath, stallAfterBytes: 64 * 1024, times: 1 });
    const { stream } = await openZipball(projectClient(h, short), 'acme', 'slow', 'main');
    const started = Date.now();
    await expect(readAll(stream)).rejects.toThrow('the body stalled for 400 ms');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('never cuts off a download whose reader is slow while the server keeps sending', async () => {
    const { stream } = await openZipball(projectClient(h, short), 'acme', 'slow', 'main');
    // Each pause is longer than the idle deadline; only waits on the server count against it.
    expect(await readAll(stream, 150)).toBe(archiveBytes);
  });
});

describe('deadlines on requests to S3', () => {
  let server: Server;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    // Accepts connections and never answers: a storage server that hung.
    server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('fails a request to a storage server that accepts the connection and never answers', async () => {
    const { port } = server.address() as AddressInfo;
    const blobs = createS3BlobStore({
      config: { bucket: 'hung', endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', forcePathStyle: true, accessKeyId: 'a', secretAccessKey: 'b', requestTimeoutSeconds: 1 },
    });
    const started = Date.now();
    await expect(blobs.has('0'.repeat(40))).rejects.toThrow(/timed out after 1000 ms of inactivity/);
    // Three attempts of one second each, plus the SDK's backoff between them.
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(sockets.length).toBeGreaterThanOrEqual(1);
    await blobs.close();
  });
});
