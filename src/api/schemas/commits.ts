import { Type, type Static } from '@sinclair/typebox';
import { LimitSchema, Nullable } from './metadata.js';
import { StorableText } from './text.js';

/**
 * Opaque page cursor: the commit date (milliseconds since the epoch, or `undated`) and SHA of the
 * last commit of the previous page. Thirteen digits reach the year 2286, so every date the schema
 * lets through is one PostgreSQL and JavaScript both hold.
 */
export const CommitCursorSchema = Type.String({ pattern: '^(?:[0-9]{1,13}|undated)\\.[0-9a-f]{40}$', description: 'nextCursor of the previous page' });

export const CommitQuerySchema = Type.Object(
  {
    ref: Type.Optional(StorableText({ minLength: 1, maxLength: 255, description: 'A branch or tag name: only commits reachable from it through the stored history' })),
    since: Type.Optional(Type.String({ format: 'date-time', description: 'Committed at or after' })),
    until: Type.Optional(Type.String({ format: 'date-time', description: 'Committed at or before' })),
    author: Type.Optional(StorableText({ minLength: 1, maxLength: 256, description: 'Author login, name or email, case-insensitive' })),
    cursor: Type.Optional(CommitCursorSchema),
    limit: LimitSchema,
  },
  { additionalProperties: false },
);
export type CommitQuery = Static<typeof CommitQuerySchema>;

const personFields = { name: Nullable(Type.String()), email: Nullable(Type.String()), date: Nullable(Type.String({ format: 'date-time' })) };

export const CommitSchema = Type.Object({
  sha: Type.String(),
  message: Type.String(),
  author: Type.Object({ login: Nullable(Type.String({ description: 'The GitHub account of the author email, when GitHub knows one' })), ...personFields }),
  committer: Type.Object(personFields),
  parents: Type.Array(Type.String()),
});

export const CommitPageSchema = Type.Object({ commits: Type.Array(CommitSchema), nextCursor: Nullable(Type.String()) });
