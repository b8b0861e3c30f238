import { Type, type Static } from '@sinclair/typebox';
import { StorableText } from './text.js';

const CommitSha = Type.String({ pattern: '^[0-9a-f]{40}$', description: 'A commit SHA whose snapshot to read; default the current one' });

export const FileListQuerySchema = Type.Object(
  {
    ref: Type.Optional(CommitSha),
    limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
    cursor: Type.Optional(StorableText({ maxLength: 4096, description: 'The last path of the previous page' })),
    prefix: Type.Optional(StorableText({ maxLength: 4096 })),
  },
  { additionalProperties: false },
);
export type FileListQuery = Static<typeof FileListQuerySchema>;

/** The wildcard of /files/*: the file's path in the snapshot. */
export const FilePathParamsSchema = Type.Object({ '*': StorableText({ minLength: 1, maxLength: 4096, description: "The file's path in the snapshot" }) });

export const FileContentQuerySchema = Type.Object({ ref: Type.Optional(CommitSha) }, { additionalProperties: false });
export type FileContentQuery = Static<typeof FileContentQuerySchema>;

export const FileEntrySchema = Type.Object({
  path: Type.String(),
  kind: Type.String({ description: 'file | symlink | submodule' }),
  mode: Type.String(),
  sha: Type.String(),
  size: Type.Number(),
  isText: Type.Boolean(),
  editable: Type.Boolean(),
  lfsPointer: Type.Boolean(),
  skipReason: Type.Union([Type.String(), Type.Null()]),
  warning: Type.Union([Type.String(), Type.Null()]),
});

export const FileListSchema = Type.Object({
  commitSha: Type.Union([Type.String(), Type.Null()]),
  files: Type.Array(FileEntrySchema),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});
