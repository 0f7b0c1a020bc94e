import type {
  Artifact,
  ArtifactListQuery,
  ArtifactPlatform,
  ArtifactStatus,
  PageOf,
} from '@bot-mox/contracts';

export interface ArtifactCreate {
  platform: ArtifactPlatform;
  version: string;
  fileName: string;
  objectKey: string;
  sizeBytes: number;
  sha256: string | null;
  contentType: string;
  uploadExpiresAt: Date;
}

/** Artifact metadata rows, whatever stores them. Implementation: KyselyArtifactsRepository. */
export interface ArtifactsRepository {
  list(query: ArtifactListQuery): Promise<PageOf<Artifact>>;
  get(id: string): Promise<Artifact | null>;
  /** Throws ArtifactKeyTakenError when a pending or ready row holds the same key. */
  create(input: ArtifactCreate): Promise<Artifact>;
  /**
   * Moves a row from `from` to `to` (ready sets uploaded_at); null when the row is not in
   * `from` any more (someone else moved it first).
   */
  transition(
    id: string,
    from: ArtifactStatus,
    to: ArtifactStatus,
    reason?: string,
  ): Promise<Artifact | null>;
  delete(id: string): Promise<Artifact | null>;
  /** Marks pending rows whose upload expired before `before` as expired; returns them. */
  expirePending(before: Date, limit: number): Promise<Artifact[]>;
}

export class ArtifactKeyTakenError extends Error {
  override name = 'ArtifactKeyTakenError';
}
