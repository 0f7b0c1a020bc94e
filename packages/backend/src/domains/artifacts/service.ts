// Installers: the upload lifecycle over the metadata repository and the object store.
// pending (row + presigned PUT) -> complete: ready | failed (object deleted) ; never completed:
// expired (object deleted) by the sweep.
import type {
  Artifact,
  ArtifactDownload,
  ArtifactListQuery,
  ArtifactUploadCreate,
  ArtifactUploadTicket,
  PageOf,
} from '@bot-mox/contracts';
import type { Logger } from 'pino';
import type { ArtifactsConfig } from '../../config.ts';
import { badRequest, conflict, notFound, unavailable } from '../../platform/http/problem.ts';
import { buildInstallerKey } from '../../platform/storage/keys.ts';
import {
  KeyScopeError,
  StorageUnavailableError,
  type StorageProvider,
} from '../../platform/storage/provider.ts';
import { ArtifactKeyTakenError, type ArtifactsRepository } from './repository.ts';

export interface ArtifactsServiceOptions {
  repo: ArtifactsRepository;
  /** Undefined when S3 is not configured: every route answers 503. */
  storage: StorageProvider | undefined;
  /** Cached reachability (the `s3` readiness check); routes answer 503 while it fails. */
  reachable?: () => Promise<{ ok: boolean; detail?: string }>;
  config: ArtifactsConfig;
  presignTtlSeconds: number;
  log: Logger;
}

/** 503: S3 is not configured (or there is no installer service at all). */
export const storageNotConfigured = () =>
  unavailable(
    'Object storage is not configured (S3_ENDPOINT, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY).',
    30,
  );
const UNREACHABLE = 'Object storage is unavailable; try again shortly.';

export class ArtifactsService {
  readonly #o: ArtifactsServiceOptions;
  constructor(options: ArtifactsServiceOptions) {
    this.#o = options;
  }

  /** The store, or 503: not configured, or its last health probe failed. */
  async #storage(): Promise<StorageProvider> {
    const storage = this.#o.storage;
    if (!storage) throw storageNotConfigured();
    const probe = await this.#o.reachable?.();
    if (probe && !probe.ok) throw unavailable(UNREACHABLE);
    return storage;
  }

  /** Runs an S3 call; an outage becomes 503. */
  async #s3<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof StorageUnavailableError) {
        this.#o.log.warn({ err: { message: err.message } }, 'object storage unavailable');
        throw unavailable(UNREACHABLE);
      }
      if (err instanceof KeyScopeError)
        throw badRequest([{ field: 'body.file_name', message: err.message }]);
      throw err;
    }
  }

  async list(query: ArtifactListQuery): Promise<PageOf<Artifact>> {
    await this.#storage();
    return this.#o.repo.list(query);
  }

  async create(input: ArtifactUploadCreate): Promise<ArtifactUploadTicket> {
    if (input.size_bytes > this.#o.config.maxBytes) {
      throw badRequest([
        {
          field: 'body.size_bytes',
          message: `must be at most ${this.#o.config.maxBytes} bytes`,
        },
      ]);
    }
    let key: string;
    try {
      key = buildInstallerKey(input.platform, input.version, input.file_name);
    } catch (err) {
      if (err instanceof KeyScopeError)
        throw badRequest([{ field: 'body.file_name', message: err.message }]);
      throw err;
    }
    const storage = await this.#storage();
    let artifact: Artifact;
    try {
      artifact = await this.#o.repo.create({
        platform: input.platform,
        version: input.version,
        fileName: input.file_name,
        objectKey: key,
        sizeBytes: input.size_bytes,
        sha256: input.sha256 ?? null,
        contentType: input.content_type,
        uploadExpiresAt: new Date(Date.now() + this.#o.presignTtlSeconds * 1000),
      });
    } catch (err) {
      if (err instanceof ArtifactKeyTakenError) {
        throw conflict('An installer with this platform, version and file name exists.', [
          { field: 'body.file_name', message: 'already exists for this platform and version' },
        ]);
      }
      throw err;
    }
    const put = await this.#s3(() =>
      storage.presignPut(key, {
        contentType: input.content_type,
        contentLength: input.size_bytes,
        sha256Hex: input.sha256,
      }),
    );
    return {
      artifact,
      upload: {
        url: put.url,
        method: 'PUT',
        headers: put.headers,
        expires_at: put.expiresAt.toISOString(),
      },
    };
  }

  async complete(id: string): Promise<Artifact> {
    const storage = await this.#storage();
    const row = await this.#o.repo.get(id);
    if (!row) throw notFound('No installer with this id.');
    if (row.status === 'ready') return row;
    if (row.status !== 'pending') throw conflict(`This upload is ${row.status}; start a new one.`);
    const info = await this.#s3(() => storage.head(row.object_key));
    if (!info) throw conflict('Nothing has been uploaded for this installer yet.');
    const problems: string[] = [];
    if (info.size !== row.size_bytes)
      problems.push(`size is ${info.size} bytes, announced ${row.size_bytes}`);
    if (row.sha256 && info.checksumSha256) {
      const actual = Buffer.from(info.checksumSha256, 'base64').toString('hex');
      if (actual !== row.sha256) problems.push('SHA-256 differs from the announced one');
    }
    if (problems.length) {
      const reason = problems.join('; ');
      await this.#s3(() => storage.delete(row.object_key));
      await this.#o.repo.transition(row.id, 'pending', 'failed', reason);
      this.#o.log.warn({ artifact: row.id, reason }, 'artifact upload rejected');
      throw conflict(`The uploaded object does not match: ${reason}. It was deleted.`);
    }
    const ready = await this.#o.repo.transition(row.id, 'pending', 'ready');
    if (ready) return ready;
    const now = await this.#o.repo.get(id);
    if (now?.status === 'ready') return now;
    throw conflict(`This upload is ${now?.status ?? 'gone'}; start a new one.`);
  }

  async download(id: string): Promise<ArtifactDownload> {
    const storage = await this.#storage();
    const row = await this.#o.repo.get(id);
    if (!row) throw notFound('No installer with this id.');
    if (row.status !== 'ready') throw conflict(`This installer is ${row.status}, not ready.`);
    const get = await this.#s3(() =>
      storage.presignGet(row.object_key, { downloadFileName: row.file_name }),
    );
    return {
      url: get.url,
      method: 'GET',
      expires_at: get.expiresAt.toISOString(),
      file_name: row.file_name,
    };
  }

  async delete(id: string): Promise<void> {
    const storage = await this.#storage();
    const row = await this.#o.repo.get(id);
    if (!row) throw notFound('No installer with this id.');
    // Failed and expired rows had their object removed; a newer row may hold the same key now.
    if (row.status === 'pending' || row.status === 'ready')
      await this.#s3(() => storage.delete(row.object_key));
    if (!(await this.#o.repo.delete(id))) throw notFound('No installer with this id.');
  }

  /**
   * Pending uploads whose presigned PUT expired more than the grace period ago become
   * `expired`, and their objects (if any arrived) are removed. Returns how many.
   */
  async expirePending(now = new Date()): Promise<number> {
    const storage = this.#o.storage;
    if (!storage) return 0;
    const before = new Date(now.getTime() - this.#o.config.pendingGraceSeconds * 1000);
    let total = 0;
    for (;;) {
      const rows = await this.#o.repo.expirePending(before, 200);
      for (const row of rows) {
        try {
          await storage.delete(row.object_key);
        } catch (err) {
          this.#o.log.warn(
            { artifact: row.id, err: { message: (err as Error).message } },
            'could not delete the object of an expired upload',
          );
        }
      }
      total += rows.length;
      if (rows.length < 200) break;
    }
    if (total) this.#o.log.info({ expired: total }, 'expired pending artifact uploads');
    return total;
  }
}
