// RFC 9457 problem details for every error the API answers. Nothing from an exception (stack,
// SQL, values) reaches a client: only the fixed title, a safe detail and field names.
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import type { Problem } from '@bot-mox/contracts';
import { classifyDbError } from '../db/pg-errors.ts';
import { InvalidReferenceError } from '../errors.ts';

export interface FieldError {
  field: string;
  message: string;
}

export class HttpError extends Error {
  override name = 'HttpError';
  readonly status: number;
  readonly slug: string;
  readonly title: string;
  readonly errors: FieldError[] | undefined;
  readonly headers: Record<string, string>;
  constructor(
    status: number,
    slug: string,
    title: string,
    options: { detail?: string; errors?: FieldError[]; headers?: Record<string, string> } = {},
  ) {
    super(options.detail ?? title);
    this.status = status;
    this.slug = slug;
    this.title = title;
    this.errors = options.errors;
    this.headers = options.headers ?? {};
  }
}

export const badRequest = (errors: FieldError[], detail = 'The request has invalid fields.') =>
  new HttpError(400, 'validation', 'Invalid request', { detail, errors });
export const notFound = (detail = 'No such record.') =>
  new HttpError(404, 'not-found', 'Not found', { detail });
export const conflict = (detail: string, errors?: FieldError[]) =>
  new HttpError(409, 'conflict', 'Conflict', { detail, ...(errors ? { errors } : {}) });
export const unavailable = (detail: string, retryAfterSeconds = 5) =>
  new HttpError(503, 'unavailable', 'Service unavailable', {
    detail,
    headers: { 'Retry-After': String(retryAfterSeconds) },
  });

/** zod issues as field errors. `where` prefixes the path: body, query or path. */
export function fieldErrors(error: z.ZodError, where: 'body' | 'query' | 'path'): FieldError[] {
  const out: FieldError[] = [];
  for (const issue of error.issues) {
    const base = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        out.push({ field: [where, base, key].filter(Boolean).join('.'), message: 'unknown field' });
      }
      continue;
    }
    out.push({ field: [where, base].filter(Boolean).join('.'), message: issue.message });
  }
  return out;
}

export function problemBody(req: Request, err: HttpError): Problem {
  return {
    type: `urn:problem:bot-mox:${err.slug}`,
    title: err.title,
    status: err.status,
    detail: err.message,
    instance: req.originalUrl.split('?')[0],
    request_id: String(req.id ?? ''),
    ...(err.errors ? { errors: err.errors } : {}),
  };
}

export function sendProblem(req: Request, res: Response, err: HttpError): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  for (const [k, v] of Object.entries(err.headers)) res.setHeader(k, v);
  res
    .status(err.status)
    .type('application/problem+json')
    .send(JSON.stringify(problemBody(req, err)));
}

/** Errors of body-parser (express.json) as problems. */
function fromBodyParser(err: { type?: string; limit?: number }): HttpError | undefined {
  switch (err.type) {
    case 'entity.parse.failed':
      return badRequest(
        [{ field: 'body', message: 'malformed JSON' }],
        'The body is not valid JSON.',
      );
    case 'entity.too.large':
      return new HttpError(413, 'too-large', 'Content too large', {
        detail: err.limit
          ? `The body exceeds the limit of ${err.limit} bytes.`
          : 'The body is too large.',
      });
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new HttpError(415, 'unsupported-media-type', 'Unsupported media type', {
        detail: 'Send JSON in UTF-8.',
      });
    case 'request.aborted':
      return new HttpError(400, 'aborted', 'Request aborted');
    default:
      return undefined;
  }
}

export function toHttpError(err: unknown): HttpError | undefined {
  if (err instanceof HttpError) return err;
  if (err instanceof InvalidReferenceError)
    return badRequest([{ field: `body.${err.field}`, message: err.message }]);
  if (err && typeof err === 'object') {
    const bp = fromBodyParser(err as { type?: string });
    if (bp) return bp;
  }
  const db = classifyDbError(err);
  if (db) {
    switch (db.kind) {
      case 'unavailable':
        return unavailable('The database is unavailable; try again shortly.');
      case 'unique':
        return conflict(
          'A record with the same unique field(s) exists.',
          db.fields.map((f) => ({ field: `body.${f}`, message: 'already exists' })),
        );
      case 'foreign_key':
        return badRequest(
          db.fields.map((f) => ({
            field: `body.${f}`,
            message: 'refers to a record that does not exist',
          })),
        );
      case 'check':
      case 'invalid_value':
        return badRequest(db.fields.map((f) => ({ field: `body.${f}`, message: 'invalid value' })));
    }
  }
  return undefined;
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(
    new HttpError(404, 'not-found', 'Not found', { detail: `No route ${req.method} ${req.path}.` }),
  );
};

export function errorHandler(
  onUnexpected: (err: unknown, req: Request) => void,
): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const known = toHttpError(err);
    if (known) {
      if (known.status >= 500)
        req.log?.warn({ err: { message: known.message, status: known.status } }, 'request failed');
      sendProblem(req, res, known);
      return;
    }
    onUnexpected(err, req);
    sendProblem(
      req,
      res,
      new HttpError(500, 'internal', 'Internal server error', {
        detail: 'Something went wrong; quote the request id when reporting it.',
      }),
    );
  };
}
