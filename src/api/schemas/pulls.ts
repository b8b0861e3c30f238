import { Type, type Static } from '@sinclair/typebox';
import { CommentSchema, CursorSchema, IssueSchema, LimitSchema, Nullable } from './metadata.js';
import { StorableText } from './text.js';

export const PullQuerySchema = Type.Object(
  {
    state: Type.Union([Type.Literal('open'), Type.Literal('closed'), Type.Literal('all')], { default: 'open', description: 'closed includes merged' }),
    base: Type.Optional(StorableText({ minLength: 1, maxLength: 255, description: 'Only pull requests into this branch' })),
    cursor: Type.Optional(CursorSchema),
    limit: LimitSchema,
  },
  { additionalProperties: false },
);
export type PullQuery = Static<typeof PullQuerySchema>;

/**
 * A pull request: its issue fields and its branches. The branch fields are null while only the
 * issue listing has seen it and the pull request listing has not stored it yet.
 */
export const PullSchema = Type.Composite(
  [
    Type.Omit(IssueSchema, ['isPullRequest']),
    Type.Object({
      head: Nullable(Type.Object({ ref: Type.String(), sha: Type.String() })),
      base: Nullable(Type.Object({ ref: Type.String(), sha: Type.String() })),
      merged: Type.Boolean(),
      mergedAt: Nullable(Type.String({ format: 'date-time' })),
      mergeCommitSha: Nullable(Type.String()),
      draft: Type.Boolean(),
      reviewComments: Type.Integer(),
    }),
  ],
  { $id: 'PullRequest' },
);

export const ReviewCommentSchema = Type.Composite([
  CommentSchema,
  Type.Object({ path: Nullable(Type.String()), line: Nullable(Type.Integer()), commitSha: Nullable(Type.String()) }),
]);

export const PullPageSchema = Type.Object({ pulls: Type.Array(Type.Ref('PullRequest')), nextCursor: Nullable(Type.String()) });
export const PullDetailSchema = Type.Object({
  pull: Type.Ref('PullRequest'),
  comments: Type.Array(CommentSchema, { description: 'The conversation, oldest first' }),
  reviewComments: Type.Array(ReviewCommentSchema, { description: 'Comments on lines of the diff, oldest first' }),
});
