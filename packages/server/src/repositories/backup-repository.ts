import type { Database } from '../db/database.ts';
import type { BackupStatus, CloudBackupsTable } from '../db/schema.ts';
import { toSafeInteger } from '../db/sql-errors.ts';
import { insertAuditEvents } from './audit-repository.ts';

/** A cloud_backups row with its size already converted to a number. */
export interface BackupRow {
  id: string;
  objectKey: string;
  fileName: string;
  sizeBytes: number;
  sha256: string;
  status: BackupStatus;
  storeId: string;
  uploadedById: string | null;
  createdAt: string;
  uploadedAt: string | null;
  deletedAt: string | null;
}

export interface BackupWithStoreName extends BackupRow {
  storeName: string;
}

function toBackupRow(row: CloudBackupsTable): BackupRow {
  return {
    id: row.id,
    objectKey: row.object_key,
    fileName: row.file_name,
    sizeBytes: toSafeInteger(row.size_bytes),
    sha256: row.sha256,
    status: row.status,
    storeId: row.store_id,
    uploadedById: row.uploaded_by_id,
    createdAt: row.created_at,
    uploadedAt: row.uploaded_at,
    deletedAt: row.deleted_at,
  };
}

export class BackupRepository {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  async findById(id: string): Promise<BackupRow | undefined> {
    const row = await this.#db.selectFrom('cloud_backups').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : toBackupRow(row);
  }

  async findByStoreAndSha256(storeId: string, sha256: string): Promise<BackupRow | undefined> {
    const row = await this.#db
      .selectFrom('cloud_backups')
      .selectAll()
      .where('store_id', '=', storeId)
      .where('sha256', '=', sha256)
      .executeTakeFirst();
    return row === undefined ? undefined : toBackupRow(row);
  }

  /**
   * Inserts a new UPLOADING row unless (store_id, sha256) already exists, and
   * returns whichever row has that pair afterwards. Concurrent identical
   * requests therefore converge on one row without a unique-violation error.
   */
  async insertOrGet(backup: BackupRow): Promise<BackupRow> {
    await this.#db
      .insertInto('cloud_backups')
      .values({
        id: backup.id,
        object_key: backup.objectKey,
        file_name: backup.fileName,
        size_bytes: backup.sizeBytes,
        sha256: backup.sha256,
        status: backup.status,
        store_id: backup.storeId,
        uploaded_by_id: backup.uploadedById,
        created_at: backup.createdAt,
        uploaded_at: backup.uploadedAt,
        deleted_at: backup.deletedAt,
        upload_requested_at: backup.createdAt,
      })
      .onConflict((conflict) => conflict.columns(['store_id', 'sha256']).doNothing())
      .execute();

    const stored = await this.findByStoreAndSha256(backup.storeId, backup.sha256);
    if (stored === undefined) throw new Error(`Backup of store ${backup.storeId} vanished right after insertion`);
    return stored;
  }

  /**
   * Moves a row that is not AVAILABLE back to UPLOADING for a new upload
   * attempt, with the newly declared file name and size. Returns false when
   * the row was AVAILABLE meanwhile (a concurrent confirmation won). Clears
   * any pending deletion marker, so that retention never removes the new object.
   */
  async restartUpload(
    id: string,
    upload: { fileName: string; sizeBytes: number; uploadedById: string | null; requestedAt: string },
  ): Promise<boolean> {
    const result = await this.#db
      .updateTable('cloud_backups')
      .set({
        status: 'UPLOADING',
        file_name: upload.fileName,
        size_bytes: upload.sizeBytes,
        uploaded_by_id: upload.uploadedById,
        uploaded_at: null,
        deleted_at: null,
        deleting_at: null,
        deleted_by_rule: null,
        upload_requested_at: upload.requestedAt,
      })
      .where('id', '=', id)
      .where('status', 'in', ['UPLOADING', 'FAILED'])
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** Records that a new presigned PUT URL was issued for an UPLOADING row, which restarts its stale-upload clock. */
  async touchUploadRequest(id: string, requestedAt: string): Promise<void> {
    await this.#db.updateTable('cloud_backups').set({ upload_requested_at: requestedAt }).where('id', '=', id).where('status', '=', 'UPLOADING').execute();
  }

  /**
   * Marks an UPLOADING row AVAILABLE; returns false if it was in another
   * state. FAILED rows must restart through a new upload request first:
   * the stale-upload sweep marks a row FAILED before removing its object,
   * and this condition keeps a late confirmation from reviving such a row.
   */
  async markAvailable(id: string, uploadedAt: string): Promise<boolean> {
    const result = await this.#db
      .updateTable('cloud_backups')
      .set({ status: 'AVAILABLE', uploaded_at: uploadedAt })
      .where('id', '=', id)
      .where('status', '=', 'UPLOADING')
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** Marks an UPLOADING or FAILED row FAILED; AVAILABLE and DELETED rows are left alone. */
  async markFailed(id: string): Promise<void> {
    await this.#db
      .updateTable('cloud_backups')
      .set({ status: 'FAILED', uploaded_at: null })
      .where('id', '=', id)
      .where('status', 'in', ['UPLOADING', 'FAILED'])
      .execute();
  }

  /**
   * Sets a row DELETED on a user's request and writes its `backup.deleted`
   * audit event in the same transaction. Does nothing when it was DELETED already.
   */
  async markDeletedByUser(backup: BackupRow, by: { userId: string; sourceAddress: string | null; at: string }): Promise<void> {
    await this.#db.transaction().execute(async (transaction) => {
      const result = await transaction
        .updateTable('cloud_backups')
        .set({ status: 'DELETED', deleted_at: by.at, deleting_at: null })
        .where('id', '=', backup.id)
        .where('status', '!=', 'DELETED')
        .executeTakeFirst();
      if (result.numUpdatedRows === 0n) return;

      await insertAuditEvents(transaction, [
        {
          at: by.at,
          action: 'backup.deleted',
          actor: `user:${by.userId}`,
          targetType: 'backup',
          targetId: backup.id,
          details: { storeId: backup.storeId, objectKey: backup.objectKey, fileName: backup.fileName, previousStatus: backup.status },
          sourceAddress: by.sourceAddress,
        },
      ]);
    });
  }

  /** Lists backups newest first (by creation time, then id), optionally of one store. */
  async listWithStoreName(storeId: string | undefined): Promise<BackupWithStoreName[]> {
    let query = this.#db
      .selectFrom('cloud_backups')
      .innerJoin('stores', 'stores.id', 'cloud_backups.store_id')
      .selectAll('cloud_backups')
      .select('stores.name as store_name');
    if (storeId !== undefined) query = query.where('cloud_backups.store_id', '=', storeId);

    const rows = await query.orderBy('cloud_backups.created_at', 'desc').orderBy('cloud_backups.id', 'desc').execute();
    return rows.map((row) => ({ ...toBackupRow(row), storeName: row.store_name }));
  }

  async countByStatus(status: BackupStatus): Promise<number> {
    const row = await this.#db
      .selectFrom('cloud_backups')
      .select((eb) => eb.fn.countAll<string | number>().as('count'))
      .where('status', '=', status)
      .executeTakeFirstOrThrow();
    return toSafeInteger(row.count);
  }
}
