// Imported first by main.tsx, before any schema is built. Zod 4 probes `new Function` when it
// builds an object schema, to compile faster parsers; under our CSP (script-src 'self', no
// 'unsafe-eval') the probe is blocked, and although zod catches the error, Chrome reports a
// Content-Security-Policy violation on every page. jitless skips the probe and the compilation.
import { z } from 'zod';

z.config({ jitless: true });
