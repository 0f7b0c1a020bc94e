// Tokens for seeding and checks, minted with prod-sim's own JWT secret (deploy/.env.prod-sim),
// exactly as Supabase signs them (HS256). The browser's session comes from
// scripts/prod-sim/mint-session.mjs instead (the sign-in link a person uses).
import { createHmac } from 'node:crypto';
import { prodSimEnv } from './env';

const b64url = (value: string) => Buffer.from(value).toString('base64url');

export function mintJwt(claims: Record<string, unknown>, ttlSeconds = 3600): string {
  const secret = prodSimEnv().SUPABASE_JWT_SECRET;
  if (!secret) throw new Error('deploy/.env.prod-sim has no SUPABASE_JWT_SECRET');
  const now = Math.floor(Date.now() / 1000);
  const body = { iat: now, exp: now + ttlSeconds, ...claims };
  const unsigned = `${b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${b64url(JSON.stringify(body))}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

/** Like Supabase's service_role key: no audience, role service_role. */
export const serviceToken = () => mintJwt({ role: 'service_role' });
