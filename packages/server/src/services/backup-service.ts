import { randomUUID } from 'node:crypto';
import {
  PRESIGNED_URL_TTL_SECONDS,
  type CloudBackup,
  type ConfirmUploadBody,
  type RequestDownloadResponse,
  type RequestUploadBody,
} from '@cloud-backup-sync/protocol';
import type { Logger } from 'pino';
import { nowTimestamp } from '../db/timestamps.ts';
import { AppError } from '../http/app-error.ts';
import type { AuditRepository } from '../repositories/audit-repository.ts';
import type { BackupRepository, BackupRow } from '../repositories/backup-repository.ts';
import type { StoreRepository } from '../repositories/store-repository.ts';
import { backupObjectKey } from '../storage/object-key.ts';
import type { StorageDriver } from '../storage/storage-driver.ts';
import { actorOf, requireStoreAccess, type Principal } from './auth-service.ts';

export type RequestUploadOutcome =
  | { exists: true; backupId: string }
  | {
      exists: false;
      uploadUrl: string;
      objectKey: string;
      backupId: string;
      expiresIn: number;
      /** Set only when the request carried `checksumHeader`, so older clients get the original response shape. */
      uploadHeaders: Record<string, string> | undefined;
    };

export interface ConfirmedBackup {
  id: string;
  status: BackupRow['status'];
  uploadedAt: string | null;
}

export interface BackupServiceDependencies {
  backups: BackupRepository;
  stores: StoreRepository;
  audit: AuditRepository;
  storage: StorageDriver;
  logger: Logger;
  /** Returns the lifetime of the next presigned URL, in seconds; tests shorten it. */
  presignedUrlTtlSeconds?: () => number;
}

/** The backup life cycle: UPLOADING → AVAILABLE → DELETED, with FAILED for any failed verification. */
export class BackupService {
  readonly #backups: BackupRepository;
  readonly #stores: StoreRepository;
  readonly #audit: AuditRepository;
  readonly #storage: StorageDriver;
  readonly #logger: Logger;
  readonly #urlTtlSeconds: () => number;

  constructor(dependencies: BackupServiceDependencies) {
    this.#backups = dependencies.backups;
    this.#stores = dependencies.stores;
    this.#audit = dependencies.audit;
    this.#storage = dependencies.storage;
    this.#logger = dependencies.logger;
    this.#urlTtlSeconds = dependencies.presignedUrlTtlSeconds ?? (() => PRESIGNED_URL_TTL_SECONDS);
  }

  async listBackups(storeId: string | undefined): Promise<CloudBackup[]> {
    const rows = await this.#backups.listWithStoreName(storeId);
    return rows.map((row) => ({
      id: row.id,
      objectKey: row.objectKey,
      fileName: row.fileName,
      sizeBytes: row.sizeBytes,
      sha256: row.sha256,
      status: row.status,
      storeId: row.storeId,
      storeName: row.storeName,
      createdAt: row.createdAt,
      uploadedAt: row.uploadedAt,
    }));
  }

  /**
   * Returns `exists: true` for an AVAILABLE (store, sha256) pair, otherwise a
   * presigned PUT URL. An UPLOADING or FAILED row is reused, so
   * (store_id, sha256) stays unique and retries never pile up rows. A DELETED
   * pair is rejected with BACKUP_DELETED: uploading it again would give old
   * content a new `uploadedAt`, and retention would then rank it as the newest
   * backup and expire the store's real newest ones.
   */
  async requestUpload(principal: Principal, request: RequestUploadBody): Promise<RequestUploadOutcome> {
    // Checked before the store lookup, so a device learns nothing about other stores.
    requireStoreAccess(principal, request.storeId);
    const store = await this.#stores.findById(request.storeId);
    if (store === undefined) throw new AppError('STORE_NOT_FOUND', { storeId: request.storeId });
    if (request.sizeBytes > this.#storage.maxUploadBytes) {
      throw new AppError('SIZE_TOO_LARGE', { value: request.sizeBytes, limit: this.#storage.maxUploadBytes });
    }

    const backup = await this.#findOrCreateRow(principal, request);
    if (backup.status === 'AVAILABLE') return { exists: true, backupId: backup.id };
    if (backup.status === 'DELETED') throw new AppError('BACKUP_DELETED', { backupId: backup.id });

    if (backup.status !== 'UPLOADING' || backup.sizeBytes !== request.sizeBytes || backup.fileName !== request.fileName) {
      const restarted = await this.#backups.restartUpload(backup.id, {
        fileName: request.fileName,
        sizeBytes: request.sizeBytes,
        uploadedById: principal.userId,
        requestedAt: nowTimestamp(),
      });
      // Not restarted means a concurrent confirmation made the row AVAILABLE.
      if (!restarted) return { exists: true, backupId: backup.id };
      this.#logger.info({ backupId: backup.id, storeId: backup.storeId, previousStatus: backup.status }, 'backup upload restarted');
    } else {
      await this.#backups.touchUploadRequest(backup.id, nowTimestamp());
    }

    const expiresIn = this.#urlTtlSeconds();
    const presigned = await this.#storage.presignUpload({
      objectKey: backup.objectKey,
      sizeBytes: request.sizeBytes,
      sha256: request.sha256,
      expiresIn,
      checksumHeader: request.checksumHeader === true,
    });
    return {
      exists: false,
      uploadUrl: presigned.url,
      objectKey: backup.objectKey,
      backupId: backup.id,
      expiresIn,
      uploadHeaders: request.checksumHeader === undefined ? undefined : presigned.headers,
    };
  }

  /**
   * Verifies the stored object against the row and makes the backup
   * AVAILABLE. A size or checksum mismatch marks the row FAILED before the
   * object is removed, so a crash in between never leaves bad bytes AVAILABLE.
   */
  async confirmUpload(principal: Principal, request: ConfirmUploadBody): Promise<ConfirmedBackup> {
    const backup = await this.#findBackup(request.backupId);
    requireStoreAccess(principal, backup.storeId);
    if (backup.sha256 !== request.sha256) throw new AppError('SHA256_MISMATCH', { backupId: backup.id });
    if (backup.status === 'AVAILABLE') return confirmedBackup(backup);
    if (backup.status === 'DELETED') throw new AppError('BACKUP_DELETED', { backupId: backup.id });

    const stored = await this.#storage.stat(backup.objectKey);
    if (stored === null) throw new AppError('UPLOAD_INCOMPLETE', { backupId: backup.id });

    if (stored.sizeBytes !== backup.sizeBytes) {
      await this.#rejectUpload(backup, 'size mismatch');
      throw new AppError('SIZE_MISMATCH', { actual: stored.sizeBytes, expected: backup.sizeBytes });
    }

    const actualSha256 = stored.sha256 ?? (await this.#storage.hashObject(backup.objectKey));
    if (actualSha256 !== backup.sha256) {
      await this.#rejectUpload(backup, 'checksum mismatch');
      throw new AppError('CHECKSUM_MISMATCH', { actual: actualSha256, expected: backup.sha256 });
    }

    const uploadedAt = nowTimestamp();
    const marked = await this.#backups.markAvailable(backup.id, uploadedAt);
    const current = marked ? { ...backup, status: 'AVAILABLE' as const, uploadedAt } : await this.#findBackup(backup.id);
    if (current.status !== 'AVAILABLE') throw new AppError('BACKUP_NOT_AVAILABLE', { backupId: backup.id, status: current.status });

    this.#logger.info({ backupId: backup.id, storeId: backup.storeId, sizeBytes: backup.sizeBytes }, 'backup upload confirmed');
    return confirmedBackup(current);
  }

  /**
   * Returns a presigned GET URL for an AVAILABLE backup, audited as
   * `backup.download_requested`. The event is written before the URL is
   * returned, so no URL leaves the server unrecorded.
   */
  async requestDownload(principal: Principal, backupId: string, sourceAddress: string | null): Promise<RequestDownloadResponse> {
    const backup = await this.#findBackup(backupId);
    requireStoreAccess(principal, backup.storeId);
    if (backup.status !== 'AVAILABLE') throw new AppError('BACKUP_NOT_AVAILABLE', { backupId, status: backup.status });

    const expiresIn = this.#urlTtlSeconds();
    const downloadUrl = await this.#storage.presignDownload({
      objectKey: backup.objectKey,
      fileName: backup.fileName,
      expiresIn,
    });
    await this.#audit.insert([
      {
        at: nowTimestamp(),
        action: 'backup.download_requested',
        actor: actorOf(principal),
        targetType: 'backup',
        targetId: backup.id,
        details: { storeId: backup.storeId, objectKey: backup.objectKey, fileName: backup.fileName, expiresIn },
        sourceAddress,
      },
    ]);
    return { downloadUrl, fileName: backup.fileName, expiresIn };
  }

  /**
   * Deletes the object first and marks the row DELETED second, with an
   * audit event naming the user: a crash in between leaves a row that a
   * repeated delete finishes, never a DELETED row whose bytes still sit in storage.
   */
  async deleteBackup(principal: Principal, backupId: string, sourceAddress: string | null): Promise<void> {
    const backup = await this.#findBackup(backupId);
    if (backup.status === 'DELETED') return;

    await this.#storage.deleteObject(backup.objectKey);
    await this.#backups.markDeletedByUser(backup, { userId: principal.userId, sourceAddress, at: nowTimestamp() });
    this.#logger.info({ backupId, storeId: backup.storeId, userId: principal.userId }, 'backup deleted');
  }

  async #findBackup(backupId: string): Promise<BackupRow> {
    const backup = await this.#backups.findById(backupId);
    if (backup === undefined) throw new AppError('BACKUP_NOT_FOUND', { backupId });
    return backup;
  }

  async #findOrCreateRow(principal: Principal, request: RequestUploadBody): Promise<BackupRow> {
    const existing = await this.#backups.findByStoreAndSha256(request.storeId, request.sha256);
    if (existing !== undefined) return existing;

    const now = new Date();
    return this.#backups.insertOrGet({
      id: randomUUID(),
      objectKey: backupObjectKey(request.storeId, request.sha256, now),
      fileName: request.fileName,
      sizeBytes: request.sizeBytes,
      sha256: request.sha256,
      status: 'UPLOADING',
      storeId: request.storeId,
      uploadedById: principal.userId,
      createdAt: now.toISOString(),
      uploadedAt: null,
      deletedAt: null,
    });
  }

  async #rejectUpload(backup: BackupRow, reason: string): Promise<void> {
    await this.#backups.markFailed(backup.id);
    await this.#storage.deleteObject(backup.objectKey);
    this.#logger.warn({ backupId: backup.id, storeId: backup.storeId, reason }, 'backup upload rejected');
  }
}

function confirmedBackup(backup: BackupRow): ConfirmedBackup {
  return { id: backup.id, status: backup.status, uploadedAt: backup.uploadedAt };
}
