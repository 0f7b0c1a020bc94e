// StorageProvider on @aws-sdk/client-s3 with two clients: `internal` on S3_ENDPOINT for the
// calls the backend makes, `presigner` signing for S3_PUBLIC_ENDPOINT (the s3.<domain> host a
// browser uses). Nothing beyond plain S3: works with MinIO, Ceph RGW, Garage, AWS S3.
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { S3Config } from '../../config.ts';
import { NETWORK_ERROR_CODES } from '../network-errors.ts';
import { assertInstallerKey, contentDisposition } from './keys.ts';
import {
  StorageUnavailableError,
  type ObjectInfo,
  type PresignedGet,
  type PresignedPut,
  type StorageProvider,
} from './provider.ts';

export function createS3Client(
  s3: S3Config,
  endpoint: string | undefined = s3.endpoint,
  options: { maxAttempts?: number } = {},
): S3Client {
  if (!endpoint || !s3.accessKeyId || !s3.secretAccessKey)
    throw new Error('S3 is not configured (S3_ENDPOINT, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY)');
  return new S3Client({
    endpoint,
    region: s3.region,
    forcePathStyle: s3.forcePathStyle,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    // DESIGN §9: no SDK-computed (empty-body) checksums in presigned URLs; strict servers refuse.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: options.maxAttempts ?? 2,
    requestHandler: { connectionTimeout: s3.timeoutMs, requestTimeout: s3.timeoutMs },
  });
}

// The SDK's own names for a request that timed out, beside the socket codes.
const UNREACHABLE = new Set([...NETWORK_ERROR_CODES, 'TimeoutError', 'RequestTimeout']);

/** Network failures, timeouts and 5xx answers: the store is unavailable (503), not our bug. */
export function isUnavailable(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as {
    code?: unknown;
    name?: unknown;
    $metadata?: { httpStatusCode?: number };
    cause?: unknown;
  };
  const status = e.$metadata?.httpStatusCode;
  if (typeof status === 'number' && status >= 500) return true;
  if (typeof e.code === 'string' && UNREACHABLE.has(e.code)) return true;
  if (typeof e.name === 'string' && UNREACHABLE.has(e.name)) return true;
  if (err instanceof AggregateError) return err.errors.some(isUnavailable);
  if (e.cause) return isUnavailable(e.cause);
  return false;
}

export function httpStatusOf(err: unknown): number | undefined {
  if (err instanceof S3ServiceException) return err.$metadata.httpStatusCode;
  const status = (err as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata
    ?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
}

async function guard<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isUnavailable(err)) {
      const message = err instanceof Error ? err.message : String(err);
      throw new StorageUnavailableError(`${what}: ${message}`);
    }
    throw err;
  }
}

const hexToBase64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');

export class S3StorageProvider implements StorageProvider {
  readonly bucket: string;
  readonly #internal: S3Client;
  readonly #presigner: S3Client;
  readonly #ttl: number;

  constructor(s3: S3Config, clients?: { internal: S3Client; presigner: S3Client }) {
    this.bucket = s3.bucket;
    this.#ttl = s3.presignTtlSeconds;
    this.#internal = clients?.internal ?? createS3Client(s3);
    this.#presigner = clients?.presigner ?? createS3Client(s3, s3.publicEndpoint ?? s3.endpoint);
  }

  get internalClient(): S3Client {
    return this.#internal;
  }

  #expiresAt(): Date {
    return new Date(Date.now() + this.#ttl * 1000);
  }

  async presignPut(
    key: string,
    options: { contentType: string; contentLength: number; sha256Hex?: string | undefined },
  ): Promise<PresignedPut> {
    assertInstallerKey(key);
    const checksum = options.sha256Hex ? hexToBase64(options.sha256Hex) : undefined;
    const command = new PutObjectCommand({
      Bucket: this.bucket,
      Key: key,
      ContentType: options.contentType,
      ContentLength: options.contentLength,
      ...(checksum ? { ChecksumSHA256: checksum } : {}),
    });
    const expiresAt = this.#expiresAt();
    const url = await getSignedUrl(this.#presigner, command, {
      expiresIn: this.#ttl,
      // Signed, so that the PUT must carry exactly these values.
      signableHeaders: new Set([
        'content-type',
        'content-length',
        ...(checksum ? ['x-amz-checksum-sha256'] : []),
      ]),
      // Sent as headers (not query parameters), so that the server checks the body against it.
      unhoistableHeaders: new Set(checksum ? ['x-amz-checksum-sha256'] : []),
    });
    const headers: Record<string, string> = { 'content-type': options.contentType };
    if (checksum) headers['x-amz-checksum-sha256'] = checksum;
    return { url, headers, expiresAt };
  }

  async presignGet(key: string, options: { downloadFileName: string }): Promise<PresignedGet> {
    assertInstallerKey(key);
    const expiresAt = this.#expiresAt();
    const url = await getSignedUrl(
      this.#presigner,
      new GetObjectCommand({
        Bucket: this.bucket,
        Key: key,
        ResponseContentDisposition: contentDisposition(options.downloadFileName),
      }),
      { expiresIn: this.#ttl },
    );
    return { url, expiresAt };
  }

  async head(key: string): Promise<ObjectInfo | null> {
    assertInstallerKey(key);
    return guard('HeadObject', async () => {
      try {
        const out = await this.#internal.send(
          new HeadObjectCommand({ Bucket: this.bucket, Key: key, ChecksumMode: 'ENABLED' }),
        );
        return {
          size: out.ContentLength ?? 0,
          contentType: out.ContentType,
          checksumSha256: out.ChecksumSHA256,
        };
      } catch (err) {
        if (httpStatusOf(err) === 404) return null;
        throw err;
      }
    });
  }

  async delete(key: string): Promise<void> {
    assertInstallerKey(key);
    await guard('DeleteObject', async () => {
      try {
        await this.#internal.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
      } catch (err) {
        if (httpStatusOf(err) !== 404) throw err;
      }
    });
  }

  async ping(): Promise<void> {
    try {
      await this.#internal.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (err) {
      const status = httpStatusOf(err);
      const message =
        status === 404
          ? `bucket ${this.bucket} does not exist (run cli storage:init)`
          : status === 403
            ? `access to bucket ${this.bucket} denied`
            : err instanceof Error
              ? err.message || err.name
              : String(err);
      throw new StorageUnavailableError(message);
    }
  }
}

/**
 * A readiness check named `s3`: a live HeadBucket, cached for `cacheMs` so that frequent health
 * polls don't hammer the store.
 */
export function storageCheck(storage: StorageProvider, cacheMs = 2000) {
  let last: { at: number; result: { ok: boolean; detail?: string } } | undefined;
  let inflight: Promise<{ ok: boolean; detail?: string }> | undefined;
  return {
    name: 's3',
    async check() {
      if (last && Date.now() - last.at < cacheMs) return last.result;
      inflight ??= storage
        .ping()
        .then(
          () => ({ ok: true }),
          (err: unknown) => ({
            ok: false,
            detail: err instanceof Error ? err.message : 'unreachable',
          }),
        )
        .then((result) => {
          last = { at: Date.now(), result };
          inflight = undefined;
          return result;
        });
      return inflight;
    },
  };
}
