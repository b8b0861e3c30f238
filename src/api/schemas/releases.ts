import { Type, type Static } from '@sinclair/typebox';
import { LimitSchema, Nullable } from './metadata.js';

/**
 * Opaque page cursor: the GitHub id of the last release of the previous page. Fifteen digits at
 * most, so every cursor the schema lets through is an exact JSON number and fits the bigint column.
 */
const ReleaseCursorSchema = Type.String({ pattern: '^[0-9]{1,15}$', description: 'nextCursor of the previous page' });

export const ReleaseQuerySchema = Type.Object({ cursor: Type.Optional(ReleaseCursorSchema), limit: LimitSchema }, { additionalProperties: false });
export type ReleaseQuery = Static<typeof ReleaseQuerySchema>;

export const ReleaseSchema = Type.Object({
  id: Type.Integer(),
  tagName: Type.String(),
  name: Nullable(Type.String()),
  body: Nullable(Type.String()),
  draft: Type.Boolean(),
  prerelease: Type.Boolean(),
  author: Nullable(Type.String()),
  assets: Type.Array(Type.Object({ name: Type.String(), size: Type.Integer({ description: 'Bytes' }), contentType: Type.String() }), { description: 'Described, never downloaded' }),
  createdAt: Type.String({ format: 'date-time' }),
  publishedAt: Nullable(Type.String({ format: 'date-time' })),
});

export const ReleasePageSchema = Type.Object({ releases: Type.Array(ReleaseSchema), nextCursor: Nullable(Type.String()) });
