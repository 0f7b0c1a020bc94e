import { pino, type Logger } from 'pino';

/** Paths pino blanks out wherever they occur in a log object: tokens, passwords, keys. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["sec-websocket-protocol"]',
  'headers.authorization',
  'authorization',
  'password',
  '*.password',
  'token',
  '*.token',
  'access_token',
  '*.access_token',
  'secret',
  '*.secret',
  'config.databaseUrl',
  'config.jwt.secret',
  'config.s3.secretAccessKey',
  'config.rtdb.auth',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'bot-mox-backend' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}

/** Strips credentials from a URL before it is logged (access_token query, user:password@). */
export function safeUrl(url: string): string {
  return url
    .replace(/([?&](access_token|token|apikey)=)[^&#]*/gi, '$1[redacted]')
    .replace(/\/\/([^/@:]+):[^/@]*@/, '//$1:[redacted]@');
}
