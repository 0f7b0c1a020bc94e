// prod-sim only (never in an image or a production path): prints a sign-in link whose URL
// fragment carries a session minted with prod-sim's own generated JWT secret, in the
// implicit-flow format supabase-js reads (#access_token=...&token_type=bearer&...).
//   usage: node scripts/prod-sim/mint-session.mjs <app-url> [email]
import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';

const [appUrl, email = 'operator@bot-mox.local'] = process.argv.slice(2);
if (!appUrl) {
  console.error('usage: mint-session.mjs <app-url> [email]');
  process.exit(2);
}
const env = parseEnv(readFileSync(new URL('../../deploy/.env.prod-sim', import.meta.url), 'utf8'));
const secret = env.SUPABASE_JWT_SECRET;
if (!secret) {
  console.error('mint-session: deploy/.env.prod-sim has no SUPABASE_JWT_SECRET');
  process.exit(1);
}
const b64url = (value) => Buffer.from(value).toString('base64url');
const now = Math.floor(Date.now() / 1000);
const expiresIn = 8 * 3600;
const claims = {
  aud: 'authenticated',
  role: 'authenticated',
  sub: process.env.PROD_SIM_USER_ID ?? '00000000-0000-4000-8000-00000000b07a',
  email,
  iat: now,
  exp: now + expiresIn,
  session_id: randomUUID(),
};
const unsigned = `${b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${b64url(JSON.stringify(claims))}`;
const token = `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
const fragment = new URLSearchParams({
  access_token: token,
  token_type: 'bearer',
  expires_in: String(expiresIn),
  expires_at: String(now + expiresIn),
  refresh_token: 'prod-sim-no-refresh',
  type: 'magiclink',
});
console.log(`${appUrl.replace(/\/$/, '')}/#${fragment}`);
