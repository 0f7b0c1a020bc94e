import { z } from 'zod';

/** GET /api/v1/health: what the backend reports about itself (DESIGN §3). */
export const HealthResponse = z.object({
  status: z.enum(['ok', 'degraded']),
  version: z.string(),
  git_sha: z.string(),
  image_tag: z.string(),
  uptime_seconds: z.number().nonnegative(),
  data_backend: z.enum(['supabase', 'rtdb']),
  supabase_ready: z.boolean(),
  s3_ready: z.boolean(),
});
export type HealthResponse = z.infer<typeof HealthResponse>;

/** GET /api/v1/health/ready: 200 when every check passes, else 503 naming the failing ones. */
export const ReadyResponse = z.object({
  status: z.enum(['ready', 'not_ready']),
  checks: z.record(z.string(), z.object({ ok: z.boolean(), detail: z.string().optional() })),
});
export type ReadyResponse = z.infer<typeof ReadyResponse>;
