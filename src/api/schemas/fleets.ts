import { Type, type Static } from '@sinclair/typebox';
import { OneOf } from './common.js';
import { LimitSchema } from './metadata.js';
import { FileFilterSchema, InstallationIdSchema, MetadataSettingsSchema, OwnerSchema, SyncModeSchema, TokenSchema } from './projects.js';

// A repository name with `*` (any run) and `?` (one character) as its only wildcards.
const PatternSchema = Type.String({ pattern: '^[A-Za-z0-9_.*?-]{1,100}$', description: 'Repository name pattern: `*` any run of characters, `?` one character, case-insensitive' });
const Patterns = (description: string) => Type.Optional(Type.Array(PatternSchema, { maxItems: 100, description }));

/** A fleet follows an App installation or an organisation read with a token, never both. */
export const CreateFleetSchema = Type.Object(
  {
    installationId: Type.Optional(InstallationIdSchema),
    org: Type.Optional(OwnerSchema),
    token: Type.Optional(TokenSchema),
    include: Patterns('Only repositories whose name matches one of these are linked; all when absent'),
    exclude: Patterns('Repositories whose name matches one of these are never linked'),
    forks: Type.Optional(Type.Boolean({ default: false, description: 'Link forks too' })),
    archived: Type.Optional(Type.Boolean({ default: false, description: 'Link archived repositories too' })),
    syncMode: Type.Optional(SyncModeSchema),
    filter: Type.Optional(FileFilterSchema),
    metadata: Type.Optional(MetadataSettingsSchema),
    maxConcurrentImports: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 4, description: 'Most initial imports of the fleet running at once' })),
    onRepositoryRemoved: Type.Optional(OneOf(['keep', 'remove'] as const, { default: 'keep', description: 'A repository the installation stops granting: keep stops its project and keeps its data; remove unlinks it' })),
  },
  {
    additionalProperties: false,
    oneOf: [
      { required: ['installationId'], not: { anyOf: [{ required: ['org'] }, { required: ['token'] }] } },
      { required: ['org', 'token'], not: { required: ['installationId'] } },
    ],
  },
);
export type CreateFleetBody = Static<typeof CreateFleetSchema>;

const CountsSchema = Type.Object({
  total: Type.Integer(),
  waiting: Type.Integer({ description: 'Linked, import not asked for yet' }),
  pending: Type.Integer(),
  syncing: Type.Integer(),
  synced: Type.Integer(),
  failed: Type.Integer(),
});

export const FleetSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    installationId: Type.Union([Type.Integer(), Type.Null()]),
    org: Type.Union([Type.String(), Type.Null()]),
    include: Type.Array(Type.String()),
    exclude: Type.Array(Type.String()),
    forks: Type.Boolean(),
    archived: Type.Boolean(),
    maxConcurrentImports: Type.Integer(),
    onRepositoryRemoved: OneOf(['keep', 'remove'] as const),
    status: OneOf(['listing', 'importing', 'ready', 'suspended', 'deleted', 'failed'] as const),
    statusReason: Type.Union([Type.String(), Type.Null()]),
    repositoriesListed: Type.Integer(),
    listedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    createdAt: Type.String({ format: 'date-time' }),
    counts: CountsSchema,
    rateLimit: Type.Union(
      [
        Type.Object({
          limit: Type.Union([Type.Integer(), Type.Null()], { description: "The credential's hourly budget, as GitHub last reported it" }),
          remaining: Type.Union([Type.Integer(), Type.Null()]),
          resetAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
          inFlight: Type.Integer({ description: 'Requests in flight on the credential, across every worker' }),
          waits: Type.Integer({ description: 'Requests told to wait for the budget or a free slot' }),
          state: OneOf(['ok', 'waiting-for-rate-limit'] as const, { description: "`waiting-for-rate-limit` while the fleet's imports wait for the reset: the rest of the budget is kept for pushes, polls and people" }),
          resumesAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
        }),
        Type.Null(),
      ],
      { description: "The shared GitHub budget of the fleet's credential; null before its first request" },
    ),
    progress: Type.Object({
      done: Type.Integer({ description: 'Projects whose initial import ended (synced or failed)' }),
      total: Type.Integer(),
      percent: Type.Number(),
      etaSeconds: Type.Union([Type.Number(), Type.Null()], { description: 'At the rate imports have ended so far; null until one has' }),
    }),
  },
  { $id: 'Fleet' },
);

export const FleetProjectsQuerySchema = Type.Object(
  { cursor: Type.Optional(Type.String({ format: 'uuid', description: 'nextCursor of the previous page' })), limit: LimitSchema },
  { additionalProperties: false },
);
export type FleetProjectsQuery = Static<typeof FleetProjectsQuerySchema>;

export const FleetProjectPageSchema = Type.Object({ projects: Type.Array(Type.Ref('Project')), nextCursor: Type.Union([Type.String(), Type.Null()]) });

export const DeleteFleetQuerySchema = Type.Object(
  { projects: Type.Optional(OneOf(['keep', 'remove'] as const, { default: 'keep', description: 'keep: the projects stay, on their own; remove: they are unlinked too' })) },
  { additionalProperties: false },
);
export type DeleteFleetQuery = Static<typeof DeleteFleetQuerySchema>;
