// Mounts a handler for one entry of the contracts' endpoint table: authentication and role,
// write freeze, zod validation of path, query and body (400 naming fields), then the handler's
// result as JSON with the endpoint's status.
import type { Request, RequestHandler, Router } from 'express';
import type { z } from 'zod';
import type { Endpoint } from '@bot-mox/contracts';
import { requireRole, type AuthContext, type TokenVerifier } from '../auth.ts';
import { HttpError, badRequest, fieldErrors, unavailable } from './problem.ts';

type Parsed<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface HandlerInput<E extends Endpoint> {
  params: Parsed<E['params']>;
  query: Parsed<E['query']>;
  body: Parsed<E['body']>;
  auth: AuthContext | undefined;
  req: Request;
}
export type HandlerOutput<E extends Endpoint> = E['response'] extends z.ZodType
  ? z.input<E['response']>
  : void;
export type Handler<E extends Endpoint> = (input: HandlerInput<E>) => Promise<HandlerOutput<E>>;

export interface MountContext {
  verify: TokenVerifier;
  writeFreeze: () => boolean;
  writeFreezeRetryAfterSeconds: number;
  /** Check every response against its schema (tests); a mismatch is a 500 and a log line. */
  validateResponses: boolean;
}

function parsePart<S extends z.ZodType | undefined>(
  schema: S,
  value: unknown,
  where: 'body' | 'query' | 'path',
): Parsed<S> {
  if (!schema) return undefined as Parsed<S>;
  const result = schema.safeParse(value);
  if (!result.success) throw badRequest(fieldErrors(result.error, where));
  return result.data as Parsed<S>;
}

export function mount<E extends Endpoint>(
  router: Router,
  ctx: MountContext,
  e: E,
  handler: Handler<E>,
): void {
  const chain: RequestHandler[] = [];
  if (e.auth) chain.push(requireRole(ctx.verify));
  if (e.write) {
    chain.push((_req, _res, next) =>
      next(
        ctx.writeFreeze()
          ? unavailable(
              'Writes are frozen for a data migration; try again later.',
              ctx.writeFreezeRetryAfterSeconds,
            )
          : undefined,
      ),
    );
  }
  chain.push(async (req, res) => {
    if (e.body && req.headers['content-type'] && !req.is('application/json')) {
      throw new HttpError(415, 'unsupported-media-type', 'Unsupported media type', {
        detail: 'Send the body as application/json.',
      });
    }
    const input: HandlerInput<E> = {
      params: parsePart(e.params, req.params, 'path') as Parsed<E['params']>,
      query: parsePart(e.query, req.query ?? {}, 'query') as Parsed<E['query']>,
      body: parsePart(e.body, req.body, 'body') as Parsed<E['body']>,
      auth: req.auth,
      req,
    };
    const result = await handler(input);
    // The handler answered itself (e.g. a redirect).
    if (res.headersSent) return;
    if (e.response === null) {
      res.status(204).end();
      return;
    }
    if (ctx.validateResponses) {
      const check = e.response.safeParse(result);
      if (!check.success) {
        req.log.error(
          { issues: check.error.issues, operation: e.operationId },
          'response does not match its schema',
        );
        throw new Error(`response of ${e.operationId} does not match its schema`);
      }
    }
    res.status(e.status).json(result);
  });
  router[e.method](e.path, ...chain);
}
