/**
 * The API's answers as its schemas declare them, for tests and benchmarks to read responses with.
 * `Static` of a `Type.Ref('Name')` is `unknown`, so an answer that refers to a shared schema by
 * name gets that schema's type here in place of the reference.
 */
import type { Static } from '@sinclair/typebox';
import type { CommitPageSchema, CommitSchema } from '../../src/api/schemas/commits.js';
import type { ErrorSchema } from '../../src/api/schemas/common.js';
import type { FileListSchema } from '../../src/api/schemas/files.js';
import type { FleetProjectPageSchema, FleetSchema } from '../../src/api/schemas/fleets.js';
import type { IssueDetailSchema, IssuePageSchema, IssueSchema, MetadataStatusSchema, MetadataSyncAcceptedSchema, RefPageSchema } from '../../src/api/schemas/metadata.js';
import type { ProjectBody, ProjectViewSchema } from '../../src/api/schemas/projects.js';
import type { PullDetailSchema, PullPageSchema, PullSchema } from '../../src/api/schemas/pulls.js';
import type { ReleasePageSchema, ReleaseSchema } from '../../src/api/schemas/releases.js';
import type { OperationSchema } from '../../src/api/schemas/sync.js';
import type { WebhookAckSchema } from '../../src/api/schemas/webhooks.js';

export type { OutboundAccepted } from '../../src/api/schemas/outbound.js';
export type { ProjectBody as Project } from '../../src/api/schemas/projects.js';
export type { SyncStarted, SyncStatusBody as SyncStatus } from '../../src/api/schemas/sync.js';

export type ErrorAnswer = Static<typeof ErrorSchema>;

/** GET /api/projects/:id: the project (a reference to `Project`) and its metadata counts. */
export type ProjectView = ProjectBody & Static<typeof ProjectViewSchema>;

export type Operation = Static<typeof OperationSchema>;
/** GET /api/projects/:id/operations; its route declares `{ operations: Type.Array(Type.Ref('Operation')) }`. */
export interface OperationList {
  operations: Operation[];
}

export type FileList = Static<typeof FileListSchema>;
export type FileEntry = FileList['files'][number];

export type Commit = Static<typeof CommitSchema>;
export type CommitPage = Static<typeof CommitPageSchema>;
export type RefPage = Static<typeof RefPageSchema>;
export type Release = Static<typeof ReleaseSchema>;
export type ReleasePage = Static<typeof ReleasePageSchema>;
export type MetadataStatus = Static<typeof MetadataStatusSchema>;
export type MetadataSyncAccepted = Static<typeof MetadataSyncAcceptedSchema>;

export type Issue = Static<typeof IssueSchema>;
export type IssuePage = Omit<Static<typeof IssuePageSchema>, 'issues'> & { issues: Issue[] };
export type IssueDetail = Omit<Static<typeof IssueDetailSchema>, 'issue'> & { issue: Issue };

export type Pull = Static<typeof PullSchema>;
export type PullPage = Omit<Static<typeof PullPageSchema>, 'pulls'> & { pulls: Pull[] };
export type PullDetail = Omit<Static<typeof PullDetailSchema>, 'pull'> & { pull: Pull };

export type Fleet = Static<typeof FleetSchema>;
export type FleetProjectPage = Omit<Static<typeof FleetProjectPageSchema>, 'projects'> & { projects: ProjectBody[] };

export type WebhookAck = Static<typeof WebhookAckSchema>;
