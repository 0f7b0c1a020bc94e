import { sql, type ColumnType, type Generated, type Selectable } from 'kysely';
import type {
  Artifact,
  ArtifactListQuery,
  ArtifactPlatform,
  ArtifactStatus,
  PageOf,
} from '@bot-mox/contracts';
import type { Db } from '../../platform/db/database.ts';
import { isUuid } from '../../platform/db/database.ts';
import { classifyDbError } from '../../platform/db/pg-errors.ts';
import { keysetPage, type SortColumn } from '../../platform/db/keyset.ts';
import {
  ArtifactKeyTakenError,
  type ArtifactCreate,
  type ArtifactsRepository,
} from './repository.ts';

type Timestamptz = ColumnType<Date, Date | string, Date | string>;
type Defaulted = ColumnType<Date, Date | string | undefined, Date | string>;

/** public.artifacts (supabase/migrations: domain schema + artifacts lifecycle). */
export interface ArtifactsTable {
  id: Generated<string>;
  platform: string;
  version: string;
  file_name: string;
  object_key: string;
  content_type: string | null;
  size_bytes: ColumnType<string | null, number | null, number | null>;
  sha256: string | null;
  status: Generated<string>;
  created_at: Defaulted;
  updated_at: Defaulted;
  uploaded_at: Timestamptz | null;
  upload_expires_at: Timestamptz;
  failure_reason: string | null;
}

const sorts: Record<string, SortColumn> = {
  created_at: { expr: sql`artifacts.created_at`, type: 'timestamptz' },
  version: { expr: sql`artifacts.version`, type: 'text' },
};

export function toArtifact(row: Selectable<ArtifactsTable>): Artifact {
  return {
    id: row.id,
    platform: row.platform as ArtifactPlatform,
    version: row.version,
    file_name: row.file_name,
    object_key: row.object_key,
    size_bytes: row.size_bytes === null ? 0 : Number(row.size_bytes),
    sha256: row.sha256,
    content_type: row.content_type ?? 'application/octet-stream',
    status: row.status as ArtifactStatus,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
    uploaded_at: row.uploaded_at ? row.uploaded_at.toISOString() : null,
    upload_expires_at: row.upload_expires_at.toISOString(),
  };
}

export class KyselyArtifactsRepository implements ArtifactsRepository {
  readonly #db;
  constructor(db: Db) {
    this.#db = db.withTables<{ artifacts: ArtifactsTable }>();
  }

  async list(q: ArtifactListQuery): Promise<PageOf<Artifact>> {
    let qb = this.#db.selectFrom('artifacts').selectAll('artifacts');
    if (q.platform) qb = qb.where('platform', '=', q.platform);
    if (q.status) qb = qb.where('status', '=', q.status);
    const page = await keysetPage(qb, {
      sort: q.sort,
      columns: sorts,
      idColumn: sql`artifacts.id`,
      limit: q.limit,
      cursor: q.cursor,
    });
    return { items: page.rows.map(toArtifact), next_cursor: page.nextCursor };
  }

  async get(id: string): Promise<Artifact | null> {
    if (!isUuid(id)) return null;
    const row = await this.#db
      .selectFrom('artifacts')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toArtifact(row) : null;
  }

  async create(input: ArtifactCreate): Promise<Artifact> {
    try {
      const row = await this.#db
        .insertInto('artifacts')
        .values({
          platform: input.platform,
          version: input.version,
          file_name: input.fileName,
          object_key: input.objectKey,
          size_bytes: input.sizeBytes,
          sha256: input.sha256,
          content_type: input.contentType,
          status: 'pending',
          upload_expires_at: input.uploadExpiresAt,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toArtifact(row);
    } catch (err) {
      if (classifyDbError(err)?.kind === 'unique') throw new ArtifactKeyTakenError(input.objectKey);
      throw err;
    }
  }

  async transition(
    id: string,
    from: ArtifactStatus,
    to: ArtifactStatus,
    reason?: string,
  ): Promise<Artifact | null> {
    if (!isUuid(id)) return null;
    const row = await this.#db
      .updateTable('artifacts')
      .set({
        status: to,
        ...(to === 'ready' ? { uploaded_at: sql<Date>`now()` } : {}),
        ...(reason !== undefined ? { failure_reason: reason.slice(0, 500) } : {}),
      })
      .where('id', '=', id)
      .where('status', '=', from)
      .returningAll()
      .executeTakeFirst();
    return row ? toArtifact(row) : null;
  }

  async delete(id: string): Promise<Artifact | null> {
    if (!isUuid(id)) return null;
    const row = await this.#db
      .deleteFrom('artifacts')
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    return row ? toArtifact(row) : null;
  }

  async expirePending(before: Date, limit: number): Promise<Artifact[]> {
    const rows = await this.#db
      .updateTable('artifacts')
      .set({ status: 'expired', failure_reason: 'upload not completed in time' })
      .where(
        'id',
        'in',
        this.#db
          .selectFrom('artifacts')
          .select('id')
          .where('status', '=', 'pending')
          .where('upload_expires_at', '<', before)
          .orderBy('upload_expires_at')
          .limit(limit),
      )
      .where('status', '=', 'pending')
      .returningAll()
      .execute();
    return rows.map(toArtifact);
  }
}
