// Artifacts (DESIGN §3): installers in the private bucket under
// `artifacts/installers/<platform>/<version>/<file>`, metadata rows in Postgres, bytes moved by
// presigned URLs so that they never pass through the API.
//
// Flow: POST /artifacts/installers (a `pending` row and a presigned PUT) → the client PUTs the
// bytes to S3 with exactly the returned headers → POST /artifacts/installers/:id/complete (the
// API checks the object; `ready`, or 409 and `failed`) → GET .../:id/download (a presigned GET,
// as JSON, or a 302 with `?redirect=1`). Pending uploads never completed become `expired`.
import { z } from 'zod';
import { Id, Page, Timestamp, pageQuery } from './common.ts';

export const ARTIFACT_PLATFORMS = ['windows', 'linux', 'macos'] as const;
export const ArtifactPlatform = z.enum(ARTIFACT_PLATFORMS);
export type ArtifactPlatform = z.infer<typeof ArtifactPlatform>;

export const ARTIFACT_STATUSES = ['pending', 'ready', 'failed', 'expired'] as const;
export const ArtifactStatus = z.enum(ARTIFACT_STATUSES);
export type ArtifactStatus = z.infer<typeof ArtifactStatus>;

/** The prefix every artifact key lives under; keys elsewhere are refused. */
export const INSTALLERS_PREFIX = 'artifacts/installers/';

/** A single S3 PUT carries at most 5 GiB; the server's own limit (ARTIFACT_MAX_BYTES) is lower. */
export const ARTIFACT_SIZE_HARD_MAX = 5 * 1024 ** 3;

/** C0 and C1 control characters and DEL. */
const hasControl = (v: string) =>
  [...v].some((c) => {
    const code = c.codePointAt(0)!;
    return code < 0x20 || (code >= 0x7f && code <= 0x9f);
  });

/** 1.4.2, 1.4.2-beta.1, 2024.11.0+build.7, v1.2: semver-like, usable as one key segment. */
export const ArtifactVersion = z
  .string()
  .max(64, 'must be at most 64 characters')
  .regex(
    /^v?[0-9]+(\.[0-9]+){0,3}([-+][0-9A-Za-z]+([.-][0-9A-Za-z]+)*)*$/,
    'must be a version like 1.4.2 or 1.4.2-beta.1',
  );

const utf8Bytes = (s: string) => new TextEncoder().encode(s).length;

/**
 * A plain file name: one key segment. No slashes or backslashes, no `..`, no control
 * characters, no leading/trailing spaces, at most 255 bytes of UTF-8.
 */
export const ArtifactFileName = z
  .string()
  .min(1, 'must not be empty')
  .refine((v) => utf8Bytes(v) <= 255, { message: 'must be at most 255 bytes' })
  .refine((v) => !/[/\\]/.test(v), { message: 'must be a file name, not a path' })
  .refine((v) => !v.includes('..'), { message: 'must not contain ".."' })
  .refine((v) => !hasControl(v), { message: 'must not contain control characters' })
  .refine((v) => v !== '.', { message: 'must be a file name' })
  .refine((v) => v === v.trim(), { message: 'must not start or end with a space' });

/** `type/subtype` as the PUT must send it (the signature pins it); no parameters. */
export const ArtifactContentType = z
  .string()
  .max(127)
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*$/,
    'must be a media type like application/octet-stream',
  );

export const Sha256Hex = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 in lowercase hex (64 characters)');

export const Artifact = z.object({
  id: Id,
  platform: ArtifactPlatform,
  version: z.string(),
  file_name: z.string(),
  object_key: z.string().describe('artifacts/installers/<platform>/<version>/<file>'),
  size_bytes: z.number().int().nonnegative(),
  sha256: z.string().nullable(),
  content_type: z.string(),
  status: ArtifactStatus,
  created_at: Timestamp,
  updated_at: Timestamp,
  uploaded_at: Timestamp.nullable().describe('when the upload was completed and verified'),
  upload_expires_at: Timestamp.describe('the presigned PUT is valid until then'),
});
export type Artifact = z.infer<typeof Artifact>;

export const ArtifactPage = Page(Artifact);
export type ArtifactPage = z.infer<typeof ArtifactPage>;

export const ArtifactUploadCreate = z.strictObject({
  platform: ArtifactPlatform,
  version: ArtifactVersion,
  file_name: ArtifactFileName,
  size_bytes: z
    .number()
    .int()
    .positive('the file is empty')
    .max(ARTIFACT_SIZE_HARD_MAX)
    .describe('exact size in bytes; at most the server’s ARTIFACT_MAX_BYTES (default 2 GiB)'),
  sha256: Sha256Hex.optional().describe(
    'when given, the upload is pinned to it where the S3 server verifies checksums, and checked at complete where it reports one',
  ),
  content_type: ArtifactContentType.default('application/octet-stream'),
});
export type ArtifactUploadCreate = z.infer<typeof ArtifactUploadCreate>;

export const PresignedRequest = z.object({
  url: z.url(),
  method: z.enum(['PUT', 'GET']),
  /** Headers the request must carry exactly as presigned (besides Host and Content-Length). */
  headers: z.record(z.string(), z.string()),
  expires_at: Timestamp,
});
export type PresignedRequest = z.infer<typeof PresignedRequest>;

export const ArtifactUploadTicket = z.object({
  artifact: Artifact,
  upload: PresignedRequest.extend({ method: z.literal('PUT') }),
});
export type ArtifactUploadTicket = z.infer<typeof ArtifactUploadTicket>;

export const ArtifactDownload = z.object({
  url: z.url(),
  method: z.literal('GET'),
  expires_at: Timestamp,
  file_name: z.string(),
});
export type ArtifactDownload = z.infer<typeof ArtifactDownload>;

export const ArtifactDownloadQuery = z.strictObject({
  redirect: z
    .enum(['1', '0', 'true', 'false'])
    .optional()
    .transform((v) => v === '1' || v === 'true')
    .describe('1: answer 302 to the presigned URL instead of JSON'),
});

export const ARTIFACT_SORTS = ['created_at', '-created_at', 'version', '-version'] as const;
export const ArtifactListQuery = z.strictObject({
  ...pageQuery,
  sort: z.enum(ARTIFACT_SORTS).default('-created_at'),
  platform: ArtifactPlatform.optional(),
  status: ArtifactStatus.optional(),
});
export type ArtifactListQuery = z.infer<typeof ArtifactListQuery>;
