/** An error whose status and message are meant for the caller. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const httpError = (statusCode: number, code: string, message: string) => new HttpError(statusCode, code, message);
export const notFound = (what: string) => httpError(404, 'not-found', `${what} not found`);
