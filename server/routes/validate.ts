import type { ZodType } from 'zod';
import { badRequest } from '../http-error.js';

/** Parses a request part with a zod schema; the first problem becomes a 400 that names the field. */
export function parseWith<T>(schema: ZodType<T>, value: unknown, what = 'request body'): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue.path.length ? issue.path.join('.') : what;
  return throwBad(`${field}: ${issue.message}`);
}

function throwBad(message: string): never {
  throw badRequest(message, 'invalid_input');
}
