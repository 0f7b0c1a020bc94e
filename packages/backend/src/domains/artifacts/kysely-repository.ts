import { sql, type Selectable } from 'kysely';
import type {
  Artifact,
  ArtifactListQuery,
  ArtifactPlatform,
  ArtifactStatus,
} from '@bot-mox/contracts';
import { KyselyCollectionReader, matching } from '../../platform/db/collection.ts';
import { isUuid, type Database, type Db } from '../../platform/db/database.ts';
import { sortBy } from '../../platform/db/keyset.ts';
import { classifyDbError } from '../../platform/db/pg-errors.ts';
import {
  ArtifactKeyTakenError,
  type ArtifactCreate,
  type ArtifactsRepository,
} from './repository.ts';

type ArtifactRow = Selectable<Database['artifacts']>;

export function toArtifact(row: ArtifactRow): Artifact {
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

/** Installer metadata rows: list and get as every collection reads; the upload lifecycle here. */
export class KyselyArtifactsRepository
  extends KyselyCollectionReader<'artifacts', ArtifactRow, Artifact, ArtifactListQuery>
  implements ArtifactsRepository
{
  constructor(db: Db) {
    super(db, {
      table: 'artifacts',
      select: (db) => db.selectFrom('artifacts').selectAll('artifacts'),
      filter: (qb, q) => matching(qb, { platform: q.platform, status: q.status }),
      sorts: {
        created_at: sortBy('artifacts.created_at'),
        version: sortBy('artifacts.version', 'text'),
      },
      toItem: toArtifact,
    });
  }

  async create(input: ArtifactCreate): Promise<Artifact> {
    try {
      const row = await this.db
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
    const row = await this.db
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
    const row = await this.db
      .deleteFrom('artifacts')
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    return row ? toArtifact(row) : null;
  }

  async expirePending(before: Date, limit: number): Promise<Artifact[]> {
    const rows = await this.db
      .updateTable('artifacts')
      .set({ status: 'expired', failure_reason: 'upload not completed in time' })
      .where(
        'id',
        'in',
        this.db
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
