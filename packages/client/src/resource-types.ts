import type { paths } from './schema.js';

type JsonOf<Response> = Response extends { content: { 'application/json': infer Body } } ? Body : never;

/** A linked repository branch, as the project listing shows it. */
export type Project = JsonOf<paths['/api/projects']['get']['responses'][200]>['projects'][number];
/** One project as GET /api/projects/{id} answers: the project and the counts of its stored metadata. */
export type ProjectView = JsonOf<paths['/api/projects/{id}']['get']['responses'][200]>;
/** Where a project's sync stands, as GET /api/projects/{id}/sync/status answers and the SSE stream sends. */
export type SyncStatus = JsonOf<paths['/api/projects/{id}/sync/status']['get']['responses'][200]>;
/** One entry of the operations log (a sync or an outbound edit). */
export type Operation = JsonOf<paths['/api/projects/{id}/operations/{operationId}']['get']['responses'][200]>;
/** One path of a snapshot, as the file listing shows it. */
export type FileEntry = JsonOf<paths['/api/projects/{id}/files']['get']['responses'][200]>['files'][number];
/** One change of an outbound edit: new content for a path, or a deletion. */
export type OutboundChange = NonNullable<paths['/api/projects/{id}/outbound']['post']['requestBody']>['content']['application/json']['changes'][number];
