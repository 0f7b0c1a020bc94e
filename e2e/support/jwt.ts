// Tokens for seeding and checks, minted with prod-sim's own JWT secret (deploy/.env.prod-sim),
// exactly as Supabase signs them (HS256), by the helper every test suite shares. The browser's
// session comes from scripts/prod-sim/mint-session.mjs instead (the sign-in link a person uses).
import { mintJwt } from '@bot-mox/backend/test-support';
import { prodSimEnv } from './env';

/** Like Supabase's service_role key: no audience, role service_role. */
export function serviceToken(): Promise<string> {
  const secret = prodSimEnv().SUPABASE_JWT_SECRET;
  if (!secret) throw new Error('deploy/.env.prod-sim has no SUPABASE_JWT_SECRET');
  return mintJwt(secret, { role: 'service_role' });
}
