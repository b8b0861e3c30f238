import type { ReposyncClient } from '@reposync/client';
import type { CliIo } from './cli-io.js';
import { resolveConnection } from './connection.js';
import { openClient } from './open-client.js';

/** What every command receives: the streams, whether to print JSON, and the API client. */
export interface CommandContext {
  io: CliIo;
  json: boolean;
  client(): Promise<ReposyncClient>;
}

export function createCommandContext(io: CliIo, json: boolean): CommandContext {
  return { io, json, client: async () => openClient(await resolveConnection(io)) };
}
