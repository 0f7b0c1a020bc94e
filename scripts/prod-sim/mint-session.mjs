// prod-sim only (never in an image or a production path): prints a sign-in link whose URL
// fragment carries a session minted with prod-sim's own generated JWT secret, in the
// implicit-flow format supabase-js reads (#access_token=...&token_type=bearer&...).
//   usage: pnpm exec node --conditions=@bot-mox/source scripts/prod-sim/mint-session.mjs <app-url> [email]
// (Node 24 with the source condition: the token comes from the tests' shared mintJwt, in TypeScript.)
import { randomUUID } from 'node:crypto';
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
const { mintJwt } = await import('@bot-mox/backend/test-support').catch((error) => {
  console.error(
    `mint-session: run it as pnpm exec node --conditions=@bot-mox/source scripts/prod-sim/mint-session.mjs (${error.code ?? error.message})`,
  );
  process.exit(1);
});
const now = Math.floor(Date.now() / 1000);
const expiresIn = 8 * 3600;
const token = await mintJwt(
  secret,
  {
    aud: 'authenticated',
    role: 'authenticated',
    sub: process.env.PROD_SIM_USER_ID ?? '00000000-0000-4000-8000-00000000b07a',
    email,
    session_id: randomUUID(),
  },
  // Epoch seconds, so that the token's exp is the fragment's expires_at.
  { expiresIn: now + expiresIn },
);
const fragment = new URLSearchParams({
  access_token: token,
  token_type: 'bearer',
  expires_in: String(expiresIn),
  expires_at: String(now + expiresIn),
  refresh_token: 'prod-sim-no-refresh',
  type: 'magiclink',
});
console.log(`${appUrl.replace(/\/$/, '')}/#${fragment}`);
