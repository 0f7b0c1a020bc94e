import { SignJWT, type JWTPayload } from 'jose';

/**
 * A token as Supabase Auth signs it (HS256 with the project's JWT secret), for tests and
 * benchmarks. `expiresIn` is what jose's setExpirationTime takes: '1h', '-1s' or epoch seconds.
 */
export function mintJwt(
  secret: string,
  claims: JWTPayload,
  options: { expiresIn?: string | number } = {},
): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '1h')
    .sign(new TextEncoder().encode(secret));
}
