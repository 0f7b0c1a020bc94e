// Object storage as the API needs it (DESIGN §3): presigned PUT and GET for the public S3 host,
// HEAD, DELETE and a reachability probe. Implementations use plain S3 calls only.

export interface PresignedPut {
  url: string;
  /** Headers the PUT must carry exactly (Content-Type, checksum); Content-Length is signed too. */
  headers: Record<string, string>;
  expiresAt: Date;
}

export interface PresignedGet {
  url: string;
  expiresAt: Date;
}

export interface ObjectInfo {
  size: number;
  contentType: string | undefined;
  /** Base64 SHA-256 as the server reports it (x-amz-checksum-sha256); undefined where it doesn't. */
  checksumSha256: string | undefined;
}

export interface StorageProvider {
  readonly bucket: string;
  presignPut(
    key: string,
    options: { contentType: string; contentLength: number; sha256Hex?: string | undefined },
  ): Promise<PresignedPut>;
  presignGet(key: string, options: { downloadFileName: string }): Promise<PresignedGet>;
  /** null when there is no such object. */
  head(key: string): Promise<ObjectInfo | null>;
  /** Deleting a missing object is not an error. */
  delete(key: string): Promise<void>;
  /** Resolves when the bucket answers; throws StorageUnavailableError otherwise. */
  ping(): Promise<void>;
}

/** The object store can't be reached or fails (5xx, timeout, refused): the API answers 503. */
export class StorageUnavailableError extends Error {
  override name = 'StorageUnavailableError';
}

/** A key outside artifacts/installers/<platform>/<version>/<file>. */
export class KeyScopeError extends Error {
  override name = 'KeyScopeError';
}
