// Supabase JWTs: HS256 with the project's secret, or asymmetric keys from a JWKS URL (jose).
import {
  createRemoteJWKSet,
  decodeProtectedHeader,
  errors,
  jwtVerify,
  type JWTPayload,
} from 'jose';
import type { RequestHandler } from 'express';
import { HttpError } from './http/problem.ts';

export type Role = 'authenticated' | 'service_role';
export const API_ROLES: readonly Role[] = ['authenticated', 'service_role'];

export interface AuthContext {
  role: string;
  sub: string | undefined;
  /** Expiry, seconds since the epoch; every accepted token has one (a required claim). */
  exp: number;
  claims: JWTPayload;
}

export interface JwtOptions {
  secret: string | undefined;
  jwksUrl: string | undefined;
  audience: string;
  issuer: string | undefined;
}

export class AuthError extends Error {
  override name = 'AuthError';
}

export type TokenVerifier = (token: string) => Promise<AuthContext>;

/**
 * Remembers verified tokens until they expire (bounded), so that a client's repeated requests
 * don't pay for signature verification each time. Failures are never cached.
 */
export function cachingVerifier(verify: TokenVerifier, maxEntries = 1000): TokenVerifier {
  const cache = new Map<string, AuthContext>();
  return async (token) => {
    const hit = cache.get(token);
    const now = Date.now() / 1000;
    if (hit && hit.exp > now) return hit;
    if (hit) cache.delete(token);
    const ctx = await verify(token);
    if (cache.size >= maxEntries) cache.delete(cache.keys().next().value!);
    cache.set(token, ctx);
    return ctx;
  };
}

export function createTokenVerifier(options: JwtOptions): TokenVerifier {
  return cachingVerifier(createUncachedVerifier(options));
}

function createUncachedVerifier(options: JwtOptions): TokenVerifier {
  const secret = options.secret ? new TextEncoder().encode(options.secret) : undefined;
  const jwks = options.jwksUrl ? createRemoteJWKSet(new URL(options.jwksUrl)) : undefined;
  return async (token) => {
    let header;
    try {
      header = decodeProtectedHeader(token);
    } catch {
      throw new AuthError('malformed token');
    }
    const common = {
      requiredClaims: ['exp', 'role'],
      clockTolerance: 5,
      ...(options.issuer ? { issuer: options.issuer } : {}),
    };
    let payload: JWTPayload;
    try {
      if (header.alg === 'HS256') {
        if (!secret) throw new AuthError('HS256 tokens are not accepted');
        ({ payload } = await jwtVerify(token, secret, { ...common, algorithms: ['HS256'] }));
      } else {
        if (!jwks) throw new AuthError(`${String(header.alg)} tokens are not accepted`);
        ({ payload } = await jwtVerify(token, jwks, {
          ...common,
          algorithms: ['RS256', 'ES256', 'EdDSA'],
        }));
      }
    } catch (err) {
      if (err instanceof AuthError) throw err;
      if (err instanceof errors.JWTExpired) throw new AuthError('token expired');
      if (err instanceof errors.JWTClaimValidationFailed)
        throw new AuthError(`claim ${err.claim} invalid`);
      throw new AuthError('invalid token');
    }
    // jose checks that a present exp is a number; requiredClaims makes it present.
    if (typeof payload.exp !== 'number') throw new AuthError('claim exp invalid');
    const role = typeof payload.role === 'string' ? payload.role : '';
    // Supabase user tokens carry aud=authenticated; its service_role key carries none. A token
    // that names an audience must name ours, and a user token must have one.
    const aud =
      payload.aud === undefined ? [] : Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    if ((aud.length > 0 || role === 'authenticated') && !aud.includes(options.audience)) {
      throw new AuthError('claim aud invalid');
    }
    return {
      role,
      sub: typeof payload.sub === 'string' ? payload.sub : undefined,
      exp: payload.exp,
      claims: payload,
    };
  };
}

export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m ? m[1] : undefined;
}

const unauthorized = (detail: string) =>
  new HttpError(401, 'unauthorized', 'Unauthorized', {
    detail,
    headers: { 'WWW-Authenticate': 'Bearer realm="bot-mox"' },
  });

/** Authenticates the request and checks its role; 401 without a valid token, 403 for a wrong role. */
export function requireRole(
  verify: TokenVerifier,
  roles: readonly string[] = API_ROLES,
): RequestHandler {
  return async (req, _res, next) => {
    const token = bearerToken(req.headers.authorization);
    if (!token) return next(unauthorized('A bearer token is required.'));
    try {
      req.auth = await verify(token);
    } catch (err) {
      return next(
        unauthorized(
          err instanceof AuthError
            ? `The token was rejected: ${err.message}.`
            : 'The token was rejected.',
        ),
      );
    }
    if (!roles.includes(req.auth.role)) {
      return next(
        new HttpError(403, 'forbidden', 'Forbidden', {
          detail: `Role ${JSON.stringify(req.auth.role)} may not use this route.`,
        }),
      );
    }
    next();
  };
}
