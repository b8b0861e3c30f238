import { Type, type Static } from '@sinclair/typebox';

/**
 * Opaque page cursor: the issue or pull request number to continue below. Nine digits at most, so
 * every cursor the schema lets through fits the 32-bit column it is compared with (GitHub numbers
 * are far smaller).
 */
export const CursorSchema = Type.String({ pattern: '^[0-9]{1,9}$', description: 'nextCursor of the previous page' });
export const LimitSchema = Type.Integer({ minimum: 1, maximum: 100, default: 50 });
export const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

export const IssueQuerySchema = Type.Object(
  {
    state: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('closed')])),
    label: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    since: Type.Optional(Type.String({ format: 'date-time' })),
    cursor: Type.Optional(CursorSchema),
    limit: LimitSchema,
  },
  { additionalProperties: false },
);
export type IssueQuery = Static<typeof IssueQuerySchema>;

export const IssueSchema = Type.Object(
  {
    number: Type.Integer(),
    isPullRequest: Type.Boolean(),
    state: Type.String(),
    stateReason: Nullable(Type.String()),
    title: Type.String(),
    body: Nullable(Type.String()),
    labels: Type.Array(Type.String()),
    assignees: Type.Array(Type.String()),
    milestone: Nullable(Type.String()),
    author: Nullable(Type.String()),
    comments: Type.Integer(),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
    closedAt: Nullable(Type.String({ format: 'date-time' })),
  },
  { $id: 'Issue' },
);

export const CommentSchema = Type.Object({
  id: Type.Integer(),
  author: Nullable(Type.String()),
  body: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});

export const IssuePageSchema = Type.Object({ issues: Type.Array(Type.Ref('Issue')), nextCursor: Nullable(Type.String()) });
export const IssueDetailSchema = Type.Object({ issue: Type.Ref('Issue'), comments: Type.Array(CommentSchema) });

export const IssueParamsSchema = Type.Object({ id: Type.String({ format: 'uuid' }), number: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }) });
export type IssueParams = Static<typeof IssueParamsSchema>;

export const RefQuerySchema = Type.Object(
  { cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 300, description: 'nextCursor of the previous page' })), limit: LimitSchema },
  { additionalProperties: false },
);
export type RefQuery = Static<typeof RefQuerySchema>;

export const RefPageSchema = Type.Object({
  refs: Type.Array(Type.Object({ name: Type.String(), kind: Type.String(), sha: Type.String(), protected: Type.Boolean() })),
  nextCursor: Nullable(Type.String()),
});

/** Derived from the stored rows; a merged pull request is closed too, as GitHub counts it. */
export const MetadataCountsSchema = Type.Object({
  openIssues: Type.Integer(),
  closedIssues: Type.Integer(),
  openPullRequests: Type.Integer(),
  closedPullRequests: Type.Integer({ description: 'Closed pull requests, merged or not' }),
  mergedPullRequests: Type.Integer(),
});

export const MetadataStatusSchema = Type.Object({
  phases: Type.Array(
    Type.Object({
      phase: Type.String(),
      etag: Nullable(Type.String()),
      cursor: Nullable(Type.String()),
      lastSuccessAt: Nullable(Type.String({ format: 'date-time' })),
      lastErrorCode: Nullable(Type.String()),
      lastErrorAt: Nullable(Type.String({ format: 'date-time' })),
    }),
  ),
  counts: MetadataCountsSchema,
});

export const MetadataSyncAcceptedSchema = Type.Object({ workflowId: Type.String(), alreadyRunning: Type.Boolean() });
