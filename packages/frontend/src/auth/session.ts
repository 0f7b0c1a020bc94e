import type { Session, User } from '@supabase/auth-js';

/** Where supabase-js keeps the session; fixed so the fragment import below can write to it. */
export const AUTH_STORAGE_KEY = 'bot-mox-auth';

function decodeBase64Url(segment: string): string {
  const base64 = segment.replace(/-/g, '+').replace(/_/g, '/');
  const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4);
  const binary = atob(padded);
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

export interface JwtClaims {
  sub?: string;
  email?: string;
  role?: string;
  exp?: number;
  iat?: number;
  aud?: string | string[];
  [claim: string]: unknown;
}

/** Reads a JWT's payload without verifying it (the backend verifies; this is display only). */
export function decodeJwtClaims(token: string): JwtClaims | null {
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    const claims: unknown = JSON.parse(decodeBase64Url(payload));
    return claims && typeof claims === 'object' ? (claims as JwtClaims) : null;
  } catch {
    return null;
  }
}

/**
 * Implicit-flow sign-in link: `#access_token=...&token_type=bearer&expires_in=...`.
 *
 * supabase-js can read this itself, but it then asks `/auth/v1/user` for the user, and on
 * offline prod-sim no login service runs. So the fragment is read here: the session is built
 * from the token's own claims, written where supabase-js keeps it, and the fragment removed
 * from the address bar (it carries a credential).
 */
export function sessionFromFragment(hash: string, now = Date.now()): Session | null {
  const fragment = hash.startsWith('#') ? hash.slice(1) : hash;
  if (!fragment.includes('access_token=')) return null;
  const params = new URLSearchParams(fragment);
  const accessToken = params.get('access_token');
  if (!accessToken) return null;
  const claims = decodeJwtClaims(accessToken);
  if (!claims?.sub) return null;
  const nowSeconds = Math.floor(now / 1000);
  const expiresIn =
    Number(params.get('expires_in')) || (claims.exp ? claims.exp - nowSeconds : 3600);
  const expiresAt = Number(params.get('expires_at')) || claims.exp || nowSeconds + expiresIn;
  const user: User = {
    id: claims.sub,
    aud: Array.isArray(claims.aud)
      ? (claims.aud[0] ?? 'authenticated')
      : (claims.aud ?? 'authenticated'),
    role: claims.role,
    email: claims.email,
    app_metadata: {},
    user_metadata: {},
    created_at: new Date((claims.iat ?? nowSeconds) * 1000).toISOString(),
  };
  return {
    access_token: accessToken,
    refresh_token: params.get('refresh_token') ?? '',
    token_type: 'bearer',
    expires_in: expiresIn,
    expires_at: expiresAt,
    user,
  };
}

/** Moves an implicit-flow session from the URL into storage. Returns true if it did. */
export function importSessionFromUrl(
  location: Pick<Location, 'hash' | 'pathname' | 'search'> = window.location,
  storage: Storage = window.localStorage,
  history: Pick<History, 'replaceState'> = window.history,
): boolean {
  const session = sessionFromFragment(location.hash);
  if (!session) return false;
  storage.setItem(AUTH_STORAGE_KEY, JSON.stringify(session));
  history.replaceState(null, '', `${location.pathname}${location.search}`);
  return true;
}
