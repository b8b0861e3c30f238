import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** Resolves once something accepts TCP connections on host:port; rejects after `timeoutMs`. */
export interface WaitForPortOptions {
  timeoutMs?: number;
  /** Stops waiting early when the process meant to listen has died. */
  isAlive?: () => boolean;
}

export async function waitForPort(host: string, port: number, options: WaitForPortOptions = {}): Promise<void> {
  const { timeoutMs = 60_000, isAlive = () => true } = options;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive()) throw new Error(`the process meant to listen on ${host}:${port} exited`);
    if (await canConnect(host, port)) return;
    await sleep(100);
  }
  throw new Error(`nothing listened on ${host}:${port} within ${timeoutMs} ms`);
}

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A port the OS says is free right now (it can still be taken before we bind it; callers retry). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
