/**
 * PENDING CONTRACTS: local stand-ins for /api/v1 schemas that `@bot-mox/contracts` does not
 * have yet. Everything here must move to packages/contracts (and this file shrink) once the
 * backend publishes them; the frontend then imports them from `@bot-mox/contracts` instead.
 *
 * Artifacts (DESIGN §3): installers under `artifacts/installers/<platform>/<version>/<file>`
 * in the private bucket; metadata rows in Postgres; the API hands out presigned PUT (upload)
 * and GET (download) URLs for the public S3 host.
 *
 * Assumed endpoints:
 *   GET    /api/v1/artifacts                      → ArtifactPage   (?platform=&limit=&cursor=)
 *   POST   /api/v1/artifacts/uploads              ← ArtifactUploadCreate → ArtifactUploadTicket (201)
 *   POST   /api/v1/artifacts/:id/complete         → Artifact       (after the PUT to S3 succeeded)
 *   GET    /api/v1/artifacts/:id/download         → ArtifactDownload
 *   DELETE /api/v1/artifacts/:id                  → 204
 */
import { Id, Page, Timestamp } from '@bot-mox/contracts';
import { z } from 'zod';

export const ArtifactPlatform = z.enum(['windows', 'linux', 'macos']);
export type ArtifactPlatform = z.infer<typeof ArtifactPlatform>;

export const ArtifactStatus = z.enum(['pending', 'uploaded']);

export const Artifact = z.object({
  id: Id,
  platform: ArtifactPlatform,
  version: z.string(),
  file_name: z.string(),
  object_key: z.string().describe('artifacts/installers/<platform>/<version>/<file>'),
  size_bytes: z.number().int().nonnegative(),
  content_type: z.string(),
  status: ArtifactStatus,
  created_at: Timestamp,
  uploaded_at: Timestamp.nullable(),
});
export type Artifact = z.infer<typeof Artifact>;
export const ArtifactPage = Page(Artifact);

export const ArtifactUploadCreate = z.strictObject({
  platform: ArtifactPlatform,
  version: z.string().trim().regex(/^[0-9A-Za-z][0-9A-Za-z._-]{0,63}$/, 'must be a version like 1.4.2'),
  file_name: z
    .string()
    .trim()
    .min(1)
    .max(255)
    .regex(/^[^/\\]+$/, 'must be a file name, not a path'),
  size_bytes: z.number().int().positive('the file is empty'),
  content_type: z.string().min(1).max(255),
});
export type ArtifactUploadCreate = z.infer<typeof ArtifactUploadCreate>;

export const ArtifactUploadTicket = z.object({
  artifact: Artifact,
  upload: z.object({
    url: z.url(),
    method: z.literal('PUT'),
    /** Headers the PUT must carry exactly as presigned (e.g. content-type). */
    headers: z.record(z.string(), z.string()),
    expires_at: Timestamp,
  }),
});
export type ArtifactUploadTicket = z.infer<typeof ArtifactUploadTicket>;

export const ArtifactDownload = z.object({ url: z.url(), expires_at: Timestamp });
export type ArtifactDownload = z.infer<typeof ArtifactDownload>;
