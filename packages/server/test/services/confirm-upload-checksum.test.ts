import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { migrateToLatest, openDatabase, type DatabaseHandle } from '../../src/db/database.ts';
import { createLogger } from '../../src/http/logger.ts';
import { AuditRepository } from '../../src/repositories/audit-repository.ts';
import { BackupRepository } from '../../src/repositories/backup-repository.ts';
import { StoreRepository } from '../../src/repositories/store-repository.ts';
import { BackupService } from '../../src/services/backup-service.ts';
import type { Principal } from '../../src/services/auth-service.ts';
import { FilesystemDriver } from '../../src/storage/filesystem/filesystem-driver.ts';
import type { DeleteObjectsResult, ObjectStat, PresignedUpload, PresignUploadRequest, StorageDriver } from '../../src/storage/storage-driver.ts';
import { sha256Hex } from '../helpers/http.ts';

/**
 * Wraps the real filesystem driver and counts read-back hashes. With
 * `providerChecksum` false it drops the SHA-256 from `stat`, as s3rver and
 * providers without stored checksums do.
 */
class CountingDriver implements StorageDriver {
  readonly kind = 'filesystem';
  readonly maxUploadBytes: number;
  readonly inner: FilesystemDriver;
  providerChecksum = true;
  hashReads = 0;

  constructor(inner: FilesystemDriver) {
    this.inner = inner;
    this.maxUploadBytes = inner.maxUploadBytes;
  }

  presignUpload(request: PresignUploadRequest): Promise<PresignedUpload> {
    return this.inner.presignUpload(request);
  }

  presignDownload(request: { objectKey: string; fileName: string; expiresIn: number }): Promise<string> {
    return this.inner.presignDownload(request);
  }

  async stat(objectKey: string): Promise<ObjectStat | null> {
    const stat = await this.inner.stat(objectKey);
    if (stat === null || this.providerChecksum) return stat;
    return { sizeBytes: stat.sizeBytes };
  }

  hashObject(objectKey: string): Promise<string> {
    this.hashReads += 1;
    return this.inner.hashObject(objectKey);
  }

  deleteObject(objectKey: string): Promise<void> {
    return this.inner.deleteObject(objectKey);
  }

  deleteObjects(objectKeys: readonly string[]): Promise<DeleteObjectsResult> {
    return this.inner.deleteObjects(objectKeys);
  }

  ensureReady(): Promise<void> {
    return this.inner.ensureReady();
  }
}

describe('confirm-upload checksum source', () => {
  let dataDir: string;
  let database: DatabaseHandle;
  let driver: CountingDriver;
  let service: BackupService;
  const principal: Principal = { userId: 'u1', tokenId: 't1', role: 'SUPERADMIN' };

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'cbs-confirm-'));
    const logger = createLogger('silent');
    database = openDatabase({ kind: 'sqlite', file: path.join(dataDir, 'db.sqlite') });
    await migrateToLatest(database.db, logger);
    const stores = new StoreRepository(database.db);
    await stores.insert({ id: 'store-c', name: 'Tienda', created_at: new Date().toISOString() });
    await database.db.insertInto('users').values({ id: 'u1', email: 'a@example.com', role: 'SUPERADMIN', created_at: new Date().toISOString() }).execute();

    const inner = new FilesystemDriver({ objectsDir: path.join(dataDir, 'objects'), dataDir, baseUrl: () => 'http://127.0.0.1:9' });
    driver = new CountingDriver(inner);
    await driver.ensureReady();
    service = new BackupService({ backups: new BackupRepository(database.db), stores, audit: new AuditRepository(database.db), storage: driver, logger });
  });
  after(async () => {
    await database.db.destroy();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** Requests an upload of `bytes` and writes them straight through the driver, as a PUT would. */
  async function storeUpload(bytes: Buffer): Promise<string> {
    const sha256 = sha256Hex(bytes);
    const outcome = await service.requestUpload(principal, { storeId: 'store-c', fileName: 'b.zip', sha256, sizeBytes: bytes.length });
    if (outcome.exists) throw new Error(`backup ${outcome.backupId} already exists`);
    await driver.inner.writeObject(outcome.objectKey, Readable.from([bytes]), { sizeBytes: bytes.length, sha256 });
    return outcome.backupId;
  }

  test('stored checksum skips read-back', async () => {
    driver.providerChecksum = true;
    driver.hashReads = 0;
    const bytes = randomBytes(2000);
    const backupId = await storeUpload(bytes);

    const confirmed = await service.confirmUpload(principal, { backupId, sha256: sha256Hex(bytes) });
    assert.equal(confirmed.status, 'AVAILABLE');
    assert.equal(driver.hashReads, 0);
  });

  test('missing checksum reads object back', async () => {
    driver.providerChecksum = false;
    driver.hashReads = 0;
    const bytes = randomBytes(2000);
    const backupId = await storeUpload(bytes);

    const confirmed = await service.confirmUpload(principal, { backupId, sha256: sha256Hex(bytes) });
    assert.equal(confirmed.status, 'AVAILABLE');
    assert.equal(driver.hashReads, 1);
  });
});
