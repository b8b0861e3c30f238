import { Type, type Static } from '@sinclair/typebox';
import { OUTBOUND_FILE_MODES, SYNC_MODES } from '../../shared/outbound-sync.js';
import { OneOf } from './common.js';
import { StorableText } from './text.js';

const FileMode = OneOf(OUTBOUND_FILE_MODES, { description: '100644 file, 100755 executable, 120000 symbolic link (content is the target); default: the mode the path has, else 100644' });

/** One change: new content for a path, or `delete: true`. Checked in detail by the route (400 naming the field). */
export const OutboundChangeSchema = Type.Object({
  path: StorableText({ description: 'Relative to the repository root' }),
  content: Type.Optional(Type.String()),
  encoding: Type.Optional(Type.Union([Type.Literal('utf8'), Type.Literal('base64')], { default: 'utf8' })),
  mode: Type.Optional(FileMode),
  delete: Type.Optional(Type.Literal(true)),
});

export const OutboundRequestSchema = Type.Object({
  message: StorableText({ minLength: 1, maxLength: 65_536, description: 'The commit message' }),
  changes: Type.Array(OutboundChangeSchema, { minItems: 1 }),
  mode: Type.Optional(OneOf(SYNC_MODES, { description: "Default: the project's syncMode" })),
  author: Type.Optional(Type.Object({ name: StorableText({ minLength: 1, maxLength: 255 }), email: StorableText({ minLength: 3, maxLength: 255 }) })),
});
export type OutboundRequestBody = Static<typeof OutboundRequestSchema>;

export const OutboundAcceptedSchema = Type.Object({
  operationId: Type.String({ description: 'Follow it at GET /api/projects/:id/operations/:operationId' }),
  workflowId: Type.String(),
  status: Type.Literal('pending'),
  warnings: Type.Array(Type.String()),
});
export type OutboundAccepted = Static<typeof OutboundAcceptedSchema>;
