import { Type, type Static } from '@sinclair/typebox';

export const ErrorSchema = Type.Object(
  {
    statusCode: Type.Integer(),
    error: Type.String({ description: 'Short machine-readable code, e.g. bad-request, not-found, conflict' }),
    message: Type.String({ description: 'What went wrong, naming the field or the resource' }),
  },
  { $id: 'Error' },
);
export type ErrorBody = Static<typeof ErrorSchema>;

export const errorResponses = {
  400: Type.Ref('Error'),
  401: Type.Ref('Error'),
  404: Type.Ref('Error'),
  409: Type.Ref('Error'),
  413: Type.Ref('Error'),
} as const;

export const IdParamsSchema = Type.Object({ id: Type.String({ format: 'uuid' }) });
export type IdParams = Static<typeof IdParamsSchema>;
