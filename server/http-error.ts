/** An error with an HTTP status and a stable machine-readable code, rendered by the error handler. */
export class HttpError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly details?: unknown) {
    super(message);
  }
}

export const badRequest = (message: string, code = 'bad_request', details?: unknown) => new HttpError(400, code, message, details);
export const notFound = (message: string) => new HttpError(404, 'not_found', message);
export const conflict = (message: string, details?: unknown) => new HttpError(409, 'conflict', message, details);
export const tooLarge = (message: string) => new HttpError(413, 'too_large', message);
