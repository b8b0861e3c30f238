/** Where GitHub's error bodies point; the emulator links the page of the operation when it knows it. */
export const REST_DOCS = 'https://docs.github.com/rest';

/**
 * An error answer in GitHub's shape: `{ message, documentation_url, errors?, status }`.
 * https://docs.github.com/rest/using-the-rest-api/troubleshooting-the-rest-api
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: { documentation_url?: string; errors?: unknown[]; headers?: Record<string, string>; url?: string } = {},
  ) {
    super(message);
  }

  body(): Record<string, unknown> {
    const { documentation_url = REST_DOCS, errors, url } = this.extra;
    return { message: this.message, ...(url ? { url } : {}), ...(errors ? { errors } : {}), documentation_url, status: String(this.status) };
  }
}

export const notFound = (docs?: string) => new HttpError(404, 'Not Found', docs ? { documentation_url: docs } : {});

/** 422 "Validation Failed" with GitHub's per-field `errors` list. */
export function validationFailed(resource: string, field: string, code = 'invalid', docs?: string): HttpError {
  return new HttpError(422, 'Validation Failed', { errors: [{ resource, field, code }], ...(docs ? { documentation_url: docs } : {}) });
}
