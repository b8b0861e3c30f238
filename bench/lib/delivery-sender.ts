/**
 * The webhook benchmark's open-loop sender, run by sendDeliveries() as a child process. Send i
 * is due at start + i/rate whatever happened to the earlier ones, so a slow answer cannot slow
 * the load down and hide itself (no coordinated omission): latency runs from the due time.
 * A push send moves the repository's `main` one commit along its prepared chain — the way git
 * does it, a lock file renamed over the loose ref — REF_LEAD_MS before the push is due, as GitHub
 * pushes before it delivers the webhook; at its due time the push is delivered, signed, with a
 * fresh X-GitHub-Delivery (later, if its ref move is still running: that wait counts). So the ref
 * moves' file operations are not timed as part of the answer. A redelivery re-sends an earlier
 * delivery byte for byte.
 */
import { randomUUID } from 'node:crypto';
import { rename, writeFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import path from 'node:path';
import type { WebhookAck } from '../../test/support/api-answers.js';
import { deliveryHeaders, pushPayload } from './push-payload.js';
import type { SenderMessage, SenderPlan, SendRecord } from './send-deliveries.js';
import { prng } from './text.js';

/**
 * How far ahead of its push's due time a ref moves: GitHub delivers a push's webhook some time after
 * the ref moved, often after later pushes moved it on (as here, with 20 repositories at 500/s, one
 * push per repository every 40 ms). The lead keeps the sender's own file operations, which a busy
 * machine can hold up for tens of ms, out of the time an answer is measured from.
 */
const REF_LEAD_MS = 100;

/** GitHub gives up on a delivery after 10 s: https://docs.github.com/webhooks/using-webhooks/handling-failed-webhook-deliveries */
const TIMEOUT_MS = 10_000;

interface Sent {
  delivery: string;
  repo: number;
  sha: string;
  body: string;
  headers: Record<string, string>;
}

/** Sends a message to the parent; `then` runs once it has been handed over (a large one takes a while). */
function reply(message: SenderMessage, then?: () => void): void {
  process.send!(message, undefined, {}, () => then?.());
}

function run(plan: SenderPlan): void {
  const { url, secret, rate, durationS, redeliveryShare, connections, repos, moveRefs = true } = plan;
  const target = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const total = Math.round(rate * durationS);
  const interval = 1000 / rate;
  const random = prng(0x5eed);
  // Which sends are pushes (and of which repository) is drawn up front, so refs can move ahead of them.
  let rr = 0;
  const pushOf = Array.from({ length: total }, (_, i) => (i > 0 && (random() % 10_000) / 10_000 < redeliveryShare ? null : rr++ % repos.length));
  const next = repos.map(() => 0);
  const heads = repos.map((repo) => repo.base);
  const sent: Sent[] = [];
  const records: SendRecord[] = [];
  let answered = 0;
  let failed = false;

  // Bodies and signatures up front: at send time only the ref moves and a GUID is drawn.
  const prepared = repos.map((repo) =>
    repo.commits.map((commit, n) => {
      const body = pushPayload(repo.repository, n === 0 ? repo.base : repo.commits[n - 1]!.sha, commit);
      return { body, signed: deliveryHeaders(secret, body, '') };
    }),
  );

  /** Per repository, the ref moves under way, so its pushes move `main` one after another. */
  const moving = repos.map(() => Promise.resolve());

  /**
   * Moves `main` of repository `r` to its next prepared commit; resolves with that push's delivery
   * once the ref moved. The file operations run off the event loop, so a slow one (a busy disk's
   * journal) delays its own push, never the other sends nor the reading of answers.
   */
  function push(r: number): Promise<Sent> {
    const repo = repos[r]!;
    const n = next[r]!;
    const commit = repo.commits[n];
    if (!commit) throw new Error(`repository ${repo.repository.full_name} ran out of prepared commits; prepare a longer chain`);
    next[r] = n + 1;
    heads[r] = commit.sha;
    const delivery = randomUUID();
    const { body, signed } = prepared[r]![n]!;
    const outgoing: Sent = { delivery, repo: r, sha: commit.sha, body, headers: { ...signed, 'x-github-delivery': delivery } };
    if (!moveRefs) return Promise.resolve(outgoing);
    const ref = path.join(repo.gitDir, 'refs/heads/main');
    moving[r] = moving[r]!.then(async () => {
      await writeFile(`${ref}.lock`, `${commit.sha}\n`, { flag: 'wx' });
      await rename(`${ref}.lock`, ref);
    });
    return moving[r]!.then(() => outgoing);
  }

  /** Per send index, the push whose ref has started moving (pushes only). */
  const moved: Array<Promise<Sent> | undefined> = [];

  function fire(index: number, due: number): void {
    const pushed = moved[index];
    moved[index] = undefined;
    // A redelivery re-sends a delivery already sent (the very first push, if none has gone yet).
    if (!pushed) {
      if (sent.length > 0) return send(index, due, sent[random() % sent.length]!, 'redelivery');
      return void moved0.then((delivery) => send(index, due, delivery, 'redelivery'), fail);
    }
    pushed.then((delivery) => {
      sent.push(delivery);
      send(index, due, delivery, 'push');
    }, fail);
  }

  function send(index: number, due: number, delivery: Sent, kind: SendRecord['kind']): void {
    const startedAt = performance.now();
    const record: SendRecord = { kind, repo: delivery.repo, delivery: delivery.delivery, sha: delivery.sha, lagMs: startedAt - due, latencyMs: 0, serviceMs: 0, status: 0, outcome: null, error: null };
    records[index] = record;
    const finish = (status: number, text: string, error: string | null) => {
      if (record.latencyMs > 0) return;
      const now = performance.now();
      Object.assign(record, { status, error, latencyMs: now - due, serviceMs: now - startedAt });
      try {
        record.outcome = (JSON.parse(text) as Partial<WebhookAck>).outcome ?? null;
      } catch {
        record.outcome = null;
      }
      answered += 1;
      if (answered === total && !failed) done();
    };
    const req = request(
      { agent, host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers: { ...delivery.headers, 'content-length': Buffer.byteLength(delivery.body) }, timeout: TIMEOUT_MS },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => finish(res.statusCode ?? 0, text, null));
        res.on('error', (error) => finish(res.statusCode ?? 0, text, error.message));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)));
    req.on('error', (error) => finish(0, '', error.message));
    req.end(delivery.body);
  }

  const start = performance.now() + 20 + REF_LEAD_MS;
  let index = 0;
  let moveIndex = 0;
  let moved0: Promise<Sent> = new Promise(() => {});
  let sendingEnded = 0;
  function pump(): void {
    try {
      const now = performance.now();
      while (moveIndex < total && start + moveIndex * interval - REF_LEAD_MS <= now) {
        const repo = pushOf[moveIndex];
        if (repo !== null && repo !== undefined) moved[moveIndex] = push(repo);
        if (moveIndex === 0) moved0 = moved[0]!;
        moveIndex += 1;
      }
      while (index < total && start + index * interval <= now) {
        fire(index, start + index * interval);
        index += 1;
      }
    } catch (error) {
      fail(error);
      return;
    }
    const nextAt = Math.min(moveIndex < total ? start + moveIndex * interval - REF_LEAD_MS : Infinity, index < total ? start + index * interval : Infinity);
    if (Number.isFinite(nextAt)) setTimeout(pump, Math.max(0, nextAt - performance.now()));
    else sendingEnded = performance.now();
  }
  const progress = setInterval(() => reply({ type: 'progress', sent: index, answered }), 5_000);

  function fail(error: unknown): void {
    if (failed) return;
    failed = true;
    clearInterval(progress);
    agent.destroy();
    reply({ type: 'failed', message: (error as Error).stack ?? String(error) }, () => process.disconnect());
  }

  function done(): void {
    clearInterval(progress);
    agent.destroy();
    const end = performance.now();
    reply({ type: 'done', result: { records, finalHeads: heads, wallMs: end - start, sendingMs: (sendingEnded || end) - start } }, () => process.disconnect());
  }

  setTimeout(pump, 20);
}

process.once('message', (plan: SenderPlan) => {
  try {
    run(plan);
  } catch (error) {
    reply({ type: 'failed', message: (error as Error).stack ?? String(error) }, () => process.disconnect());
  }
});
