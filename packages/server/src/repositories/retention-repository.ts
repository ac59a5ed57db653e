import { sql, type RawBuilder } from 'kysely';
import type { DatabaseHandle } from '../db/database.ts';
import { insertAuditEvents } from './audit-repository.ts';

/** Rule that selected a backup for deletion. */
export type RetentionRule = 'age' | 'count';

/** Limits of one retention run, already resolved against its clock. */
export interface RetentionRules {
  /** AVAILABLE backups uploaded before this timestamp are expired by age. */
  cutoff: string;
  maxCount: number;
  minKeep: number;
}

/** An AVAILABLE backup that the rules select for deletion. */
export interface RetentionCandidate {
  id: string;
  storeId: string;
  objectKey: string;
  fileName: string;
  uploadedAt: string;
  rule: RetentionRule;
}

/** A row marked for deletion, with the rule recorded when it was marked. */
export interface MarkedBackup {
  id: string;
  storeId: string;
  objectKey: string;
  fileName: string;
  uploadedAt: string | null;
  rule: RetentionRule;
}

/** An UPLOADING row whose presigned URL and grace period ran out. */
export interface StaleUpload {
  id: string;
  storeId: string;
  objectKey: string;
}

interface RankedRow {
  id: string;
  store_id: string;
  object_key: string;
  file_name: string;
  uploaded_at: string;
  rank: string | number;
}

/**
 * Queries of retention and the stale-upload sweep. Every selection runs in
 * SQL over a bounded page of stores and returns at most `limit` rows, so
 * memory stays flat however many backups exist.
 */
export class RetentionRepository {
  readonly #handle: DatabaseHandle;

  constructor(handle: DatabaseHandle) {
    this.#handle = handle;
  }

  /** Lists up to `limit` store ids after `afterId`, in the database's own order of ids. */
  async listStoreIds(afterId: string | null, limit: number): Promise<string[]> {
    let query = this.#handle.db.selectFrom('stores').select('id').orderBy('id').limit(limit);
    if (afterId !== null) query = query.where('id', '>', afterId);
    return (await query.execute()).map((row) => row.id);
  }

  /**
   * Ranks the AVAILABLE backups of `storeIds` newest first (upload time, then
   * id, both compared as bytes) and returns those the rules select: rank past
   * `minKeep`, and either uploaded before the cutoff or ranked past
   * `maxCount`. Rows already marked for deletion still take their place in
   * the ranking but are not returned. Age wins when both rules apply.
   *
   * Deleting returned rows never changes which other rows the query selects,
   * because the selected rows of a store are always its oldest ones.
   */
  async selectCandidates(
    storeIds: readonly string[],
    rules: RetentionRules,
    page: { limit: number; offset: number },
  ): Promise<RetentionCandidate[]> {
    if (storeIds.length === 0) return [];

    const bytes = this.#byteOrder();
    const uploadedAt = sql`coalesce(uploaded_at, created_at)`;
    const result = await sql<RankedRow>`
      select id, store_id, object_key, file_name, uploaded_at, rank from (
        select id, store_id, object_key, file_name, ${uploadedAt} as uploaded_at, deleting_at,
          row_number() over (partition by store_id order by ${uploadedAt}${bytes} desc, id${bytes} desc) as rank
        from cloud_backups
        where status = 'AVAILABLE' and store_id in (${sql.join([...storeIds])})
      ) ranked
      where rank > ${rules.minKeep}
        and (uploaded_at < ${rules.cutoff} or rank > ${rules.maxCount})
        and deleting_at is null
      order by store_id${bytes}, rank
      limit ${page.limit} offset ${page.offset}
    `.execute(this.#handle.db);

    return result.rows.map((row) => ({
      id: row.id,
      storeId: row.store_id,
      objectKey: row.object_key,
      fileName: row.file_name,
      uploadedAt: row.uploaded_at,
      rule: row.uploaded_at < rules.cutoff ? 'age' : 'count',
    }));
  }

  /**
   * Marks candidates as being deleted by their rule, in one transaction.
   * Returns the ids actually marked: a row deleted or marked meanwhile is skipped.
   */
  async markForDeletion(candidates: readonly RetentionCandidate[], at: string): Promise<Set<string>> {
    return this.#handle.db.transaction().execute(async (transaction) => {
      const marked = new Set<string>();
      for (const rule of ['age', 'count'] as const) {
        const ids = candidates.filter((candidate) => candidate.rule === rule).map((candidate) => candidate.id);
        if (ids.length === 0) continue;

        const rows = await transaction
          .updateTable('cloud_backups')
          .set({ deleting_at: at, deleted_by_rule: rule })
          .where('id', 'in', ids)
          .where('status', '=', 'AVAILABLE')
          .where('deleting_at', 'is', null)
          .returning('id')
          .execute();
        for (const row of rows) marked.add(row.id);
      }
      return marked;
    });
  }

  /** Lists AVAILABLE rows marked for deletion by an earlier run, by id after `afterId`. */
  async listMarkedForDeletion(afterId: string | null, limit: number): Promise<MarkedBackup[]> {
    let query = this.#handle.db
      .selectFrom('cloud_backups')
      .select(['id', 'store_id', 'object_key', 'file_name', 'uploaded_at', 'deleted_by_rule'])
      .where('status', '=', 'AVAILABLE')
      .where('deleting_at', 'is not', null)
      .orderBy('id')
      .limit(limit);
    if (afterId !== null) query = query.where('id', '>', afterId);

    return (await query.execute()).map(toMarkedBackup);
  }

  /**
   * Sets marked rows DELETED and writes one `backup.deleted` audit event per
   * row in the same transaction. Returns the rows changed, so that a row
   * finished by someone else is never counted twice.
   */
  async finishDeletion(ids: readonly string[], at: string): Promise<MarkedBackup[]> {
    if (ids.length === 0) return [];

    return this.#handle.db.transaction().execute(async (transaction) => {
      const rows = await transaction
        .updateTable('cloud_backups')
        .set({ status: 'DELETED', deleted_at: at, deleting_at: null })
        .where('id', 'in', [...ids])
        .where('status', '=', 'AVAILABLE')
        .where('deleting_at', 'is not', null)
        .returning(['id', 'store_id', 'object_key', 'file_name', 'uploaded_at', 'deleted_by_rule'])
        .execute();

      await insertAuditEvents(
        transaction,
        rows.map((row) => ({
          at,
          action: 'backup.deleted',
          actor: `retention:${toRule(row.deleted_by_rule)}`,
          targetType: 'backup',
          targetId: row.id,
          details: { storeId: row.store_id, objectKey: row.object_key, fileName: row.file_name, uploadedAt: row.uploaded_at },
        })),
      );
      return rows.map(toMarkedBackup);
    });
  }

  /** Counts AVAILABLE backups that no deletion has started on. */
  async countAvailable(): Promise<number> {
    const row = await this.#handle.db
      .selectFrom('cloud_backups')
      .select((eb) => eb.fn.countAll<string | number>().as('count'))
      .where('status', '=', 'AVAILABLE')
      .where('deleting_at', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  /** Lists UPLOADING rows whose latest upload URL was issued before `cutoff`. */
  async listStaleUploads(cutoff: string, limit: number): Promise<StaleUpload[]> {
    const rows = await this.#handle.db
      .selectFrom('cloud_backups')
      .select(['id', 'store_id', 'object_key'])
      .where('status', '=', 'UPLOADING')
      .where(sql<string>`coalesce(upload_requested_at, created_at)`, '<', cutoff)
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((row) => ({ id: row.id, storeId: row.store_id, objectKey: row.object_key }));
  }

  /**
   * Marks stale UPLOADING rows FAILED with a pending object removal, and
   * audits it, in one transaction. The status condition makes this and a
   * concurrent confirm-upload exclusive: whichever updates the row first
   * wins. Returns the rows changed.
   */
  async failStaleUploads(ids: readonly string[], cutoff: string, at: string): Promise<StaleUpload[]> {
    if (ids.length === 0) return [];

    return this.#handle.db.transaction().execute(async (transaction) => {
      const rows = await transaction
        .updateTable('cloud_backups')
        .set({ status: 'FAILED', uploaded_at: null, deleting_at: at, deleted_by_rule: 'stale-upload' })
        .where('id', 'in', [...ids])
        .where('status', '=', 'UPLOADING')
        .where(sql<string>`coalesce(upload_requested_at, created_at)`, '<', cutoff)
        .returning(['id', 'store_id', 'object_key'])
        .execute();

      await insertAuditEvents(
        transaction,
        rows.map((row) => ({
          at,
          action: 'backup.upload-expired',
          actor: 'retention:stale-upload',
          targetType: 'backup',
          targetId: row.id,
          details: { storeId: row.store_id, objectKey: row.object_key },
        })),
      );
      return rows.map((row) => ({ id: row.id, storeId: row.store_id, objectKey: row.object_key }));
    });
  }

  /**
   * Lists FAILED rows of stale uploads whose object removal has not been
   * confirmed. A row restarted for a new upload has its marker cleared and
   * is not listed, so its new object is never removed here.
   */
  async listStaleUploadsPendingRemoval(afterId: string | null, limit: number): Promise<StaleUpload[]> {
    let query = this.#handle.db
      .selectFrom('cloud_backups')
      .select(['id', 'store_id', 'object_key'])
      .where('status', '=', 'FAILED')
      .where('deleting_at', 'is not', null)
      .where('deleted_by_rule', '=', 'stale-upload')
      .orderBy('id')
      .limit(limit);
    if (afterId !== null) query = query.where('id', '>', afterId);

    const rows = await query.execute();
    return rows.map((row) => ({ id: row.id, storeId: row.store_id, objectKey: row.object_key }));
  }

  /** Clears the pending-removal marker of FAILED rows whose objects are gone. */
  async finishStaleUploadRemoval(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;

    await this.#handle.db
      .updateTable('cloud_backups')
      .set({ deleting_at: null })
      .where('id', 'in', [...ids])
      .where('status', '=', 'FAILED')
      .where('deleted_by_rule', '=', 'stale-upload')
      .execute();
  }

  /**
   * PostgreSQL compares text by the database's collation, which may order
   * ids differently from SQLite. `COLLATE "C"` compares bytes, as SQLite's
   * default BINARY collation does, so both databases rank ties alike.
   */
  #byteOrder(): RawBuilder<unknown> {
    return this.#handle.kind === 'postgres' ? sql` collate "C"` : sql``;
  }
}

function toMarkedBackup(row: {
  id: string;
  store_id: string;
  object_key: string;
  file_name: string;
  uploaded_at: string | null;
  deleted_by_rule: string | null;
}): MarkedBackup {
  return {
    id: row.id,
    storeId: row.store_id,
    objectKey: row.object_key,
    fileName: row.file_name,
    uploadedAt: row.uploaded_at,
    rule: toRule(row.deleted_by_rule),
  };
}

/** Only retention marks AVAILABLE rows, always with 'age' or 'count'. Any other value is reported as 'age'. */
function toRule(value: string | null): RetentionRule {
  return value === 'count' ? 'count' : 'age';
}
