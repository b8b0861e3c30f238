export { createReposyncClient, type ReposyncClient, type ReposyncClientOptions } from './create-reposync-client.js';
export { readServerSentEvents, type ServerSentEvent } from './read-server-sent-events.js';
export type { FileEntry, Operation, OutboundChange, Project, ProjectView, SyncStatus } from './resource-types.js';
export type { components, operations, paths } from './schema.js';
