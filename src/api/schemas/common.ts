import { Type, type SchemaOptions, type Static } from '@sinclair/typebox';

export const ErrorSchema = Type.Object(
  {
    statusCode: Type.Integer(),
    error: Type.String({ description: 'Short machine-readable code, e.g. bad-request, not-found, conflict' }),
    message: Type.String({ description: 'What went wrong, naming the field or the resource' }),
  },
  { $id: 'Error' },
);

/** Answers only some routes give; the ones every route can give are added by the route-contract plugin. */
export const conflictResponse = { 409: Type.Ref('Error') } as const;
export const tooManyRequestsResponse = { 429: Type.Ref('Error') } as const;

/**
 * Bounds for every integer the API reads. Without a maximum, `?offset=99999999999999999999` passes
 * as an integer and overflows PostgreSQL's bigint; an offset past a million rows is never a page
 * anyone reads, and ids stay within what JSON numbers carry exactly.
 */
export const MAX_PAGE_OFFSET = 1_000_000;
export const MAX_GITHUB_ID = Number.MAX_SAFE_INTEGER;

export const PageOffsetSchema = Type.Integer({ minimum: 0, maximum: MAX_PAGE_OFFSET, default: 0 });

export const IdParamsSchema = Type.Object({ id: Type.String({ format: 'uuid' }) });
export type IdParams = Static<typeof IdParamsSchema>;

/** One of a fixed list of strings, the list kept where the rest of the code reads it too. */
export const OneOf = <T extends string>(values: readonly T[], options?: SchemaOptions) => Type.Union(values.map((value) => Type.Literal(value)), options);
