import { fork } from 'node:child_process';
import type { ChainCommit } from './commit-chain.js';
import type { RepositoryJson } from './push-payload.js';

export interface SenderRepo {
  /** The bare repository whose `main` the sender moves along `commits`. */
  gitDir: string;
  repository: RepositoryJson;
  base: string;
  commits: ChainCommit[];
}

export interface SenderPlan {
  /** The webhook endpoint, e.g. http://127.0.0.1:3000/api/webhooks/github. */
  url: string;
  secret: string;
  /** Deliveries per second, redeliveries included, for `durationS` seconds. */
  rate: number;
  durationS: number;
  /** Share of the sends that re-send an earlier delivery exactly (same GUID, body and signature). */
  redeliveryShare: number;
  /** Keep-alive connections at most; a request waits for a free one, and that wait counts. */
  connections: number;
  repos: SenderRepo[];
  /** false: pushes are delivered without moving `main` (a yardstick run against a route that applies nothing). */
  moveRefs?: boolean;
}

export interface SendRecord {
  kind: 'push' | 'redelivery';
  repo: number;
  delivery: string;
  /** The push's commit (the redelivered push's, for a redelivery). */
  sha: string;
  /** How late the send left against its schedule. */
  lagMs: number;
  /** Scheduled send → response complete: the open-loop latency, waiting included. */
  latencyMs: number;
  /** Actual send → response complete. */
  serviceMs: number;
  status: number;
  outcome: string | null;
  error: string | null;
}

export interface SenderResult {
  records: SendRecord[];
  /** Per repository, the commit `main` was moved to last. */
  finalHeads: string[];
  /** First scheduled send → last response, in ms. */
  wallMs: number;
  sendingMs: number;
}

export type SenderMessage = { type: 'progress'; sent: number; answered: number } | { type: 'done'; result: SenderResult } | { type: 'failed'; message: string };

/**
 * Runs the open-loop sender (bench/lib/delivery-sender.ts) in a process of its own, so its clock
 * is not held up by the emulator serving the worker in this one.
 */
export function sendDeliveries(plan: SenderPlan, onProgress: (sent: number, answered: number) => void): Promise<SenderResult> {
  const child = fork(new URL('./delivery-sender.ts', import.meta.url), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.on('message', (message: SenderMessage) => {
      if (message.type === 'progress') onProgress(message.sent, message.answered);
      else if (message.type === 'done') resolve(message.result);
      else reject(new Error(`the delivery sender failed: ${message.message}`));
    });
    child.once('error', reject);
    // 'close', not 'exit': a large last message may still be in the pipe when the process exits.
    child.once('close', (code) => reject(new Error(`the delivery sender exited with ${code} before it reported`)));
    child.send(plan);
  }).finally(() => {
    if (child.exitCode === null) child.kill();
  }) as Promise<SenderResult>;
}
