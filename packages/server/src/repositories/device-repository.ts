import type { Database } from '../db/database.ts';
import type { DevicesTable } from '../db/schema.ts';
import { insertAuditEvents, type AuditEvent } from './audit-repository.ts';

export type DeviceRow = DevicesTable;

/** The counts an agent reports after a sync pass. */
export interface DeviceStatusUpdate {
  pending: number;
  uploaded: number;
  failed: number;
  lastSyncAt: string | null;
  reportedAt: string;
}

export class DeviceRepository {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  /** Inserts the device and its `device.created` audit event in one transaction. */
  async insert(device: DeviceRow, audit: AuditEvent): Promise<void> {
    await this.#db.transaction().execute(async (transaction) => {
      await transaction.insertInto('devices').values(device).execute();
      await insertAuditEvents(transaction, [audit]);
    });
  }

  async findById(id: string): Promise<DeviceRow | undefined> {
    return this.#db.selectFrom('devices').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async findByHash(tokenHash: string): Promise<DeviceRow | undefined> {
    return this.#db.selectFrom('devices').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
  }

  async list(storeId: string | undefined): Promise<DeviceRow[]> {
    let query = this.#db.selectFrom('devices').selectAll();
    if (storeId !== undefined) query = query.where('store_id', '=', storeId);
    return query.orderBy('created_at', 'asc').orderBy('id', 'asc').execute();
  }

  /**
   * Sets `revoked_at` and writes the `device.revoked` audit event in one transaction.
   * An already revoked device keeps its first revocation time and its single event.
   */
  async revoke(id: string, revokedAt: string, audit: AuditEvent): Promise<void> {
    await this.#db.transaction().execute(async (transaction) => {
      const result = await transaction
        .updateTable('devices')
        .set({ revoked_at: revokedAt })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (result.numUpdatedRows === 0n) return;

      await insertAuditEvents(transaction, [audit]);
    });
  }

  async touch(id: string, usedAt: string): Promise<void> {
    await this.#db.updateTable('devices').set({ last_used_at: usedAt }).where('id', '=', id).execute();
  }

  /**
   * Sets `last_used_at` and writes the `auth.sign_in` event in one
   * transaction, only while `last_used_at` is still null or before
   * `idleCutoff`, so concurrent first uses record one event (as in
   * `TokenRepository.touchAsSignIn`).
   */
  async touchAsSignIn(id: string, usedAt: string, idleCutoff: string, signIn: AuditEvent): Promise<void> {
    await this.#db.transaction().execute(async (transaction) => {
      const result = await transaction
        .updateTable('devices')
        .set({ last_used_at: usedAt })
        .where('id', '=', id)
        .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', idleCutoff)]))
        .executeTakeFirst();
      if (result.numUpdatedRows === 0n) return;

      await insertAuditEvents(transaction, [signIn]);
    });
  }

  async updateStatus(id: string, status: DeviceStatusUpdate): Promise<void> {
    await this.#db
      .updateTable('devices')
      .set({
        status_pending: status.pending,
        status_uploaded: status.uploaded,
        status_failed: status.failed,
        status_last_sync_at: status.lastSyncAt,
        status_reported_at: status.reportedAt,
      })
      .where('id', '=', id)
      .execute();
  }
}
