import { Type, type Static } from '@sinclair/typebox';
import { SYNC_MODES } from '../../shared/outbound-sync.js';
import { MAX_GITHUB_ID, OneOf, PageOffsetSchema } from './common.js';
import { MetadataCountsSchema } from './metadata.js';
import { StorableText } from './text.js';

// https://docs.github.com/en/get-started/learning-about-github/types-of-github-accounts — a user or
// organisation login: alphanumerics and single hyphens, not at either end, at most 39 characters.
export const OwnerSchema = Type.String({ pattern: '^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$', description: 'GitHub user or organisation login' });
// Repository names: letters, digits, '.', '-', '_', at most 100 characters, never "." or "..".
const RepoSchema = Type.String({ pattern: '^(?!\\.{1,2}$)[A-Za-z0-9._-]{1,100}$', description: 'GitHub repository name' });
// A subset of git-check-ref-format that rejects everything GitHub would, and text PostgreSQL cannot store.
const BranchSchema = Type.String({
  minLength: 1,
  maxLength: 255,
  pattern: '^(?!/|-|.*(?:\\.\\.|//|@\\{|\\.lock$|/$|\\.$))[^\\s~^:?*\\[\\\\\\x00-\\x1f\\x7f\\uD800-\\uDFFF]+$',
  description: 'Branch to follow; omitted follows the repository default branch',
});
// GitHub tokens are printable ASCII; anything else could never authenticate.
export const TokenSchema = Type.String({ minLength: 1, maxLength: 1000, pattern: '^[\\x21-\\x7e]+$', description: 'Personal access token (stored encrypted, never returned)' });
export const InstallationIdSchema = Type.Integer({ minimum: 1, maximum: MAX_GITHUB_ID, description: 'GitHub App installation id' });
export const SyncModeSchema = OneOf(SYNC_MODES);

/** No file in an import is larger than the archive it comes in; 16 GiB is far past any real one. */
const MAX_FILE_BYTES_SETTING = 16 * 1024 ** 3;
const FileBytesSchema = Type.Integer({ minimum: 1, maximum: MAX_FILE_BYTES_SETTING });

export const FileFilterSchema = Type.Object(
  {
    skipDirectories: Type.Optional(Type.Array(StorableText({ minLength: 1, maxLength: 255 }), { maxItems: 200 })),
    binaryExtensions: Type.Optional(Type.Array(Type.String({ pattern: '^\\.?[A-Za-z0-9_+-]{1,32}$' }), { maxItems: 500 })),
    editableExtensions: Type.Optional(Type.Array(Type.String({ pattern: '^\\.?[A-Za-z0-9_+-]{1,32}$' }), { maxItems: 500 })),
    maxFileBytes: Type.Optional(FileBytesSchema),
    warnFileBytes: Type.Optional(FileBytesSchema),
  },
  { additionalProperties: false },
);

/** Which parts of the repository's metadata are synced; `description` says what an absent part means. */
const metadataSettings = (description: string) =>
  Type.Object(
    {
      refs: Type.Optional(Type.Boolean({ description: 'Branches and tags' })),
      commits: Type.Optional(Type.Boolean()),
      issues: Type.Optional(Type.Boolean()),
      pullRequests: Type.Optional(Type.Boolean()),
      comments: Type.Optional(Type.Boolean({ description: 'Issue and review comments' })),
      releases: Type.Optional(Type.Boolean()),
    },
    { additionalProperties: false, description },
  );
const SWITCHED_OFF_KEEPS_ROWS = 'A part switched off is neither synced nor updated by webhooks, and keeps the rows already stored.';
export const MetadataSettingsSchema = metadataSettings(`Which parts of the repository metadata are synced; an absent part is on. ${SWITCHED_OFF_KEEPS_ROWS}`);
/** A change is merged into the stored setting, so a caller switches one part without restating the others. */
const MetadataChangeSchema = metadataSettings(`Parts to switch on or off; parts left out keep their stored value. ${SWITCHED_OFF_KEEPS_ROWS}`);

/** A project authenticates with a token or an App installation, never both. */
const OneCredential = { not: { required: ['token', 'installationId'] } };

export const CreateProjectSchema = Type.Object(
  {
    owner: OwnerSchema,
    repo: RepoSchema,
    branch: Type.Optional(BranchSchema),
    token: Type.Optional(TokenSchema),
    installationId: Type.Optional(InstallationIdSchema),
    syncMode: Type.Optional(SyncModeSchema),
    filter: Type.Optional(FileFilterSchema),
    metadata: Type.Optional(MetadataSettingsSchema),
  },
  { additionalProperties: false, ...OneCredential },
);
export type CreateProjectBody = Static<typeof CreateProjectSchema>;

export const UpdateProjectSchema = Type.Object(
  {
    branch: Type.Optional(Type.Union([BranchSchema, Type.Null()])),
    token: Type.Optional(TokenSchema),
    installationId: Type.Optional(InstallationIdSchema),
    syncMode: Type.Optional(SyncModeSchema),
    filter: Type.Optional(FileFilterSchema),
    enabled: Type.Optional(Type.Boolean()),
    metadata: Type.Optional(MetadataChangeSchema),
  },
  { additionalProperties: false, minProperties: 1, ...OneCredential },
);
export type UpdateProjectBody = Static<typeof UpdateProjectSchema>;

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);
const Timestamp = Type.String({ format: 'date-time' });

export const ProjectSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    owner: Type.String(),
    repo: Type.String(),
    branch: Nullable(Type.String()),
    defaultBranch: Nullable(Type.String()),
    auth: Type.Object({
      kind: Type.Union([Type.Literal('token'), Type.Literal('app'), Type.Literal('none')]),
      installationId: Nullable(Type.Integer()),
    }),
    syncMode: SyncModeSchema,
    filter: FileFilterSchema,
    metadata: MetadataSettingsSchema,
    enabled: Type.Boolean(),
    archived: Type.Boolean({ description: 'GitHub archived the repository (read-only)' }),
    webhook: Type.Object({
      registered: Type.Boolean(),
      id: Nullable(Type.Integer()),
      problem: Nullable(Type.String({ description: 'Why no webhook is registered; pushes are then found by the poll' })),
    }),
    sync: Type.Object({
      status: Type.String(),
      error: Nullable(Type.Object({ code: Type.String(), message: Type.String() })),
      startedAt: Nullable(Timestamp),
      completedAt: Nullable(Timestamp),
      lastRemoteSha: Nullable(Type.String()),
      lastSyncedSha: Nullable(Type.String()),
      lastOutboundBaseSha: Nullable(Type.String()),
    }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Project' },
);
export type ProjectBody = Static<typeof ProjectSchema>;

/** One project as GET /api/projects/:id shows it: the project and the counts of its stored metadata. */
export const ProjectViewSchema = Type.Intersect([Type.Ref('Project'), Type.Object({ counts: MetadataCountsSchema })]);

export const ProjectListQuerySchema = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 50 }),
    offset: PageOffsetSchema,
  },
  { additionalProperties: false },
);
export type ProjectListQuery = Static<typeof ProjectListQuerySchema>;

export const ProjectListSchema = Type.Object({
  projects: Type.Array(Type.Ref('Project')),
  total: Type.Integer(),
  limit: Type.Integer(),
  offset: Type.Integer(),
});
