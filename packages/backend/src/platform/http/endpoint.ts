// Mounts a handler for one entry of the contracts' endpoint table: authentication and role,
// write freeze, zod validation of path, query and body (400 naming fields), then the handler's
// result as JSON with the endpoint's status. A read may be served from a cache of serialised
// bodies, keyed by its operation, validated path and query (after auth, so 401/403/400 never
// come from it).
import type { Request, RequestHandler, Response, Router } from 'express';
import type { z } from 'zod';
import type { Endpoint } from '@bot-mox/contracts';
import { requireRole, type AuthContext, type TokenVerifier } from '../auth.ts';
import type { BodyCache } from '../list-cache.ts';
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
  /** Counts a write that got past the freeze until its response is done (cutover). */
  beginWrite?: () => () => void;
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

export interface MountOptions {
  /** Serve and store this GET's JSON bodies here; only for results that don't depend on the caller. */
  cache?: BodyCache | undefined;
}

function sendJson(res: Response, status: number, body: Buffer): void {
  res.status(status).set('Content-Type', 'application/json; charset=utf-8').send(body);
}

export function mount<E extends Endpoint>(
  router: Router,
  ctx: MountContext,
  e: E,
  handler: Handler<E>,
  options: MountOptions = {},
): void {
  const cache = e.method === 'get' ? options.cache : undefined;
  const chain: RequestHandler[] = [];
  if (e.auth) chain.push(requireRole(ctx.verify));
  if (e.write) {
    chain.push((_req, res, next) => {
      if (ctx.writeFreeze()) {
        next(
          unavailable(
            'Writes are frozen for a data migration; try again later.',
            ctx.writeFreezeRetryAfterSeconds,
          ),
        );
        return;
      }
      const end = ctx.beginWrite?.();
      // 'close' comes for every response, finished or cut off.
      if (end) res.once('close', end);
      next();
    });
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
    // Several routes may share a collection's cache (its list and its stats).
    const key = cache ? JSON.stringify([e.operationId, input.params, input.query]) : '';
    const hit = cache?.get(key);
    if (hit) return sendJson(res, e.status, hit);
    const generation = cache?.generation ?? 0;
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
    if (!cache) {
      res.status(e.status).json(result);
      return;
    }
    const body = Buffer.from(JSON.stringify(result));
    cache.set(key, body, generation);
    sendJson(res, e.status, body);
  });
  router[e.method](e.path, ...chain);
}
