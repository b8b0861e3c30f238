import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface MemoryArchiveProxy {
  url: string;
  /** How many times an archive was served from memory. */
  served(): number;
  close(): Promise<void>;
}

const ZIPBALL = /^\/repos\/([^/]+)\/([^/]+)\/zipball\/[^/?]+$/;
const MEMORY = /^\/memory-archive\/([^/]+)\/([^/]+)\.zip$/;

/**
 * Stands in front of the GitHub emulator as the API a worker talks to: a repository's zipball is
 * answered, as GitHub does, with a redirect — here to a prebuilt archive served from memory — and
 * every other request goes to the emulator unchanged. So an import's speed can be measured against
 * a source much faster than the emulator's `git archive`.
 */
export async function startMemoryArchiveProxy(upstream: string, archives: Map<string, Buffer>): Promise<MemoryArchiveProxy> {
  const target = new URL(upstream);
  let served = 0;
  let url = '';
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const path = (request.url ?? '/').split('?')[0]!;
    const zipball = request.method === 'GET' ? ZIPBALL.exec(path) : null;
    if (zipball && archives.has(`${zipball[1]}/${zipball[2]}`)) {
      response.writeHead(302, { location: `${url}/memory-archive/${zipball[1]}/${zipball[2]}.zip` }).end();
      return;
    }
    const memory = request.method === 'GET' ? MEMORY.exec(path) : null;
    const archive = memory ? archives.get(`${memory[1]}/${memory[2]}`) : undefined;
    if (archive) {
      served += 1;
      response.writeHead(200, { 'content-type': 'application/zip', 'content-length': archive.length }).end(archive);
      return;
    }
    const forwarded = httpRequest(
      { host: target.hostname, port: target.port, method: request.method, path: request.url, headers: { ...request.headers, host: target.host } },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    forwarded.once('error', (error) => response.destroy(error));
    request.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    served: () => served,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
