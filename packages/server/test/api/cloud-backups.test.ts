import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import {
  confirmUploadResponseSchema,
  createStoreResponseSchema,
  deleteBackupResponseSchema,
  errorBodySchema,
  healthResponseSchema,
  listBackupsResponseSchema,
  listStoresResponseSchema,
  requestDownloadResponseSchema,
  requestUploadExistsSchema,
  requestUploadNewSchema,
} from '@cloud-backup-sync/protocol';
import { callApi, createStore, listStoredObjects, sha256Hex, uploadBackup } from '../helpers/http.ts';
import { BACKENDS, startTestServer, type TestServer } from '../helpers/start-test-server.ts';

const GiB = 1024 ** 3;

function errorCode(body: unknown): string {
  return errorBodySchema.parse(body).error.code;
}

for (const backend of BACKENDS) {
  describe(`cloud backups on ${backend.database} + ${backend.storage}`, () => {
    let server: TestServer;

    before(async () => {
      server = await startTestServer(backend);
      await createStore(server, 'store-main', 'Tienda Principal');
    });
    after(() => server.close());

    test('health reports database and storage', async () => {
      const response = await callApi(server, 'GET', '/api/health', { token: null });
      assert.equal(response.status, 200);
      assert.deepEqual(healthResponseSchema.parse(response.body), {
        status: 'ok',
        version: '0.1.0',
        database: backend.database,
        storage: backend.storage,
      });
    });

    test('stores are created and listed', async () => {
      const created = await callApi(server, 'POST', '/api/stores', { body: { id: 'store-new', name: '  Sucursal Ñuñoa ' } });
      assert.equal(created.status, 201);
      const store = createStoreResponseSchema.parse(created.body).store;
      assert.equal(store.id, 'store-new');
      assert.equal(store.name, 'Sucursal Ñuñoa');
      assert.ok(!Number.isNaN(Date.parse(store.createdAt)));

      const generated = await callApi(server, 'POST', '/api/stores', { body: { name: 'Sin id' } });
      assert.equal(generated.status, 201);
      assert.match(createStoreResponseSchema.parse(generated.body).store.id, /^[A-Za-z0-9_-]{1,64}$/);

      const duplicate = await callApi(server, 'POST', '/api/stores', { body: { id: 'store-new', name: 'Otra' } });
      assert.equal(duplicate.status, 409);
      assert.equal(errorCode(duplicate.body), 'STORE_EXISTS');

      const listed = listStoresResponseSchema.parse((await callApi(server, 'GET', '/api/stores')).body);
      assert.ok(listed.stores.some((candidate) => candidate.id === 'store-new' && candidate.name === 'Sucursal Ñuñoa'));
    });

    test('full upload cycle has spec shapes', async () => {
      const bytes = randomBytes(30_000);
      const sha256 = sha256Hex(bytes);
      const fileName = 'backup-2026-01-02 Tienda Ñandú.zip';

      const requested = await callApi(server, 'POST', '/api/cloud-backups/request-upload', {
        body: { storeId: 'store-main', fileName, sha256, sizeBytes: bytes.length },
      });
      assert.equal(requested.status, 200);
      const upload = requestUploadNewSchema.strict().parse(requested.body);
      assert.equal(upload.expiresIn, 600);
      assert.match(upload.objectKey, new RegExp(`^stores/store-main/\\d{4}/\\d{2}/\\d{2}/${sha256}\\.zip$`));

      assert.equal((await fetch(upload.uploadUrl, { method: 'PUT', body: bytes })).status, 200);

      const confirmed = await callApi(server, 'POST', '/api/cloud-backups/confirm-upload', { body: { backupId: upload.backupId, sha256 } });
      assert.equal(confirmed.status, 200);
      const confirmation = confirmUploadResponseSchema.parse(confirmed.body);
      assert.equal(confirmation.backup.id, upload.backupId);
      assert.equal(confirmation.backup.status, 'AVAILABLE');
      assert.notEqual(confirmation.backup.uploadedAt, null);
      assert.ok(!Number.isNaN(Date.parse(confirmation.backup.uploadedAt ?? '')));

      const again = await callApi(server, 'POST', '/api/cloud-backups/confirm-upload', { body: { backupId: upload.backupId, sha256 } });
      assert.equal(again.status, 200);
      assert.deepEqual(confirmUploadResponseSchema.parse(again.body).backup, confirmation.backup);

      const listed = listBackupsResponseSchema.parse((await callApi(server, 'GET', '/api/cloud-backups?storeId=store-main')).body);
      const backup = listed.backups.find((candidate) => candidate.id === upload.backupId);
      assert.deepEqual(backup, {
        id: upload.backupId,
        objectKey: upload.objectKey,
        fileName,
        sizeBytes: bytes.length,
        sha256,
        status: 'AVAILABLE',
        storeId: 'store-main',
        storeName: 'Tienda Principal',
        createdAt: backup?.createdAt,
        uploadedAt: confirmation.backup.uploadedAt,
      });

      const download = await callApi(server, 'POST', '/api/cloud-backups/request-download', { body: { backupId: upload.backupId } });
      assert.equal(download.status, 200);
      const link = requestDownloadResponseSchema.parse(download.body);
      assert.equal(link.fileName, fileName);
      assert.equal(link.expiresIn, 600);
      const fetched = await fetch(link.downloadUrl);
      assert.equal(fetched.status, 200);
      assert.equal(
        fetched.headers.get('content-disposition'),
        `attachment; filename="backup-2026-01-02 Tienda Nandu.zip"; filename*=UTF-8''backup-2026-01-02%20Tienda%20%C3%91and%C3%BA.zip`,
      );
      assert.ok(Buffer.from(await fetched.arrayBuffer()).equals(bytes));

      const deleted = await callApi(server, 'DELETE', `/api/cloud-backups/${upload.backupId}`);
      assert.equal(deleted.status, 200);
      assert.equal(deleteBackupResponseSchema.parse(deleted.body).success, true);
      assert.ok(!(await listStoredObjects(server)).includes(upload.objectKey));

      // Generic clients often send a JSON Content-Type on DELETE without a body.
      const deletedTwice = await callApi(server, 'DELETE', `/api/cloud-backups/${upload.backupId}`, {
        headers: { 'content-type': 'application/json' },
      });
      assert.equal(deletedTwice.status, 200);

      const afterDelete = listBackupsResponseSchema.parse((await callApi(server, 'GET', '/api/cloud-backups')).body);
      assert.equal(afterDelete.backups.find((candidate) => candidate.id === upload.backupId)?.status, 'DELETED');

      const downloadDeleted = await callApi(server, 'POST', '/api/cloud-backups/request-download', { body: { backupId: upload.backupId } });
      assert.equal(downloadDeleted.status, 409);
      assert.equal(errorCode(downloadDeleted.body), 'BACKUP_NOT_AVAILABLE');

      const confirmDeleted = await callApi(server, 'POST', '/api/cloud-backups/confirm-upload', { body: { backupId: upload.backupId, sha256 } });
      assert.equal(confirmDeleted.status, 409);
      assert.equal(errorCode(confirmDeleted.body), 'BACKUP_DELETED');
    });

    test('deleted backup is not uploaded again', async () => {
      const bytes = randomBytes(300);
      const sha256 = sha256Hex(bytes);
      const backupId = await uploadBackup(server, 'store-main', bytes);
      assert.equal((await callApi(server, 'DELETE', `/api/cloud-backups/${backupId}`)).status, 200);
      const before = listBackupsResponseSchema.parse((await callApi(server, 'GET', '/api/cloud-backups?storeId=store-main')).body);
      const deletedRow = before.backups.find((candidate) => candidate.id === backupId);

      const again = await callApi(server, 'POST', '/api/cloud-backups/request-upload', {
        body: { storeId: 'store-main', fileName: 'de-nuevo.zip', sha256, sizeBytes: bytes.length },
      });
      assert.equal(again.status, 409);
      assert.equal(errorCode(again.body), 'BACKUP_DELETED');

      const after = listBackupsResponseSchema.parse((await callApi(server, 'GET', '/api/cloud-backups?storeId=store-main')).body);
      const row = after.backups.find((candidate) => candidate.id === backupId);
      assert.equal(row?.status, 'DELETED');
      assert.equal(row?.fileName, deletedRow?.fileName);
      assert.equal(row?.uploadedAt, deletedRow?.uploadedAt);
      assert.equal(after.backups.length, before.backups.length);
    });

    test('list is newest first and filters by store', async () => {
      await createStore(server, 'store-list');
      const first = await uploadBackup(server, 'store-list', randomBytes(100));
      const second = await uploadBackup(server, 'store-list', randomBytes(100));

      const listed = listBackupsResponseSchema.parse((await callApi(server, 'GET', '/api/cloud-backups?storeId=store-list')).body);
      assert.deepEqual(listed.backups.map((backup) => backup.id).sort(), [first, second].sort());
      // Both may share a millisecond; then the higher id comes first.
      const [newer, older] = listed.backups;
      assert.ok(newer !== undefined);
      assert.ok(older !== undefined);
      assert.ok(newer.createdAt > older.createdAt || (newer.createdAt === older.createdAt && newer.id > older.id));

      const unknownStore = listBackupsResponseSchema.parse((await callApi(server, 'GET', '/api/cloud-backups?storeId=nobody')).body);
      assert.deepEqual(unknownStore.backups, []);
    });

    test('available backup is not uploaded twice', async () => {
      const bytes = randomBytes(500);
      const backupId = await uploadBackup(server, 'store-main', bytes);

      const again = await callApi(server, 'POST', '/api/cloud-backups/request-upload', {
        body: { storeId: 'store-main', fileName: 'otra.zip', sha256: sha256Hex(bytes), sizeBytes: bytes.length },
        headers: { 'accept-language': 'en' },
      });
      assert.equal(again.status, 200);
      const exists = requestUploadExistsSchema.strict().parse(again.body);
      assert.equal(exists.backupId, backupId);
      assert.match(exists.message, /already in the cloud/);
    });

    test('unfinished upload gets fresh URL for same row', async () => {
      const bytes = randomBytes(700);
      const body = { storeId: 'store-main', fileName: 'a.zip', sha256: sha256Hex(bytes), sizeBytes: bytes.length };
      const first = requestUploadNewSchema.parse((await callApi(server, 'POST', '/api/cloud-backups/request-upload', { body })).body);
      const second = requestUploadNewSchema.parse((await callApi(server, 'POST', '/api/cloud-backups/request-upload', { body })).body);
      assert.equal(second.backupId, first.backupId);
      assert.equal(second.objectKey, first.objectKey);

      assert.equal((await fetch(second.uploadUrl, { method: 'PUT', body: bytes })).status, 200);
      const confirmed = await callApi(server, 'POST', '/api/cloud-backups/confirm-upload', { body: { backupId: first.backupId, sha256: body.sha256 } });
      assert.equal(confirmed.status, 200);
    });

    test('20 concurrent identical requests share one row', async () => {
      await createStore(server, 'store-race');
      const bytes = randomBytes(900);
      const body = { storeId: 'store-race', fileName: 'race.zip', sha256: sha256Hex(bytes), sizeBytes: bytes.length };

      const responses = await Promise.all(
        Array.from({ length: 20 }, () => callApi(server, 'POST', '/api/cloud-backups/request-upload', { body })),
      );
      assert.deepEqual(responses.map((response) => response.status), Array(20).fill(200));
      const backupIds = new Set(responses.map((response) => requestUploadNewSchema.parse(response.body).backupId));
      assert.equal(backupIds.size, 1);

      const listed = listBackupsResponseSchema.parse((await callApi(server, 'GET', '/api/cloud-backups?storeId=store-race')).body);
      assert.equal(listed.backups.length, 1);
    });

    test('size mismatch marks backup FAILED', async () => {
      const bytes = randomBytes(1000);
      const sha256 = sha256Hex(bytes);
      const upload = requestUploadNewSchema.parse(
        (await callApi(server, 'POST', '/api/cloud-backups/request-upload', {
          body: { storeId: 'store-main', fileName: 'size.zip', sha256, sizeBytes: bytes.length },
        })).body,
      );
      // The URL is bound to 1000 bytes; 999 arrive.
      const put = await fetch(upload.uploadUrl, { method: 'PUT', body: bytes.subarray(0, 999) });

      const confirmed = await callApi(server, 'POST', '/api/cloud-backups/confirm-upload', { body: { backupId: upload.backupId, sha256 } });
      const listed = listBackupsResponseSchema.parse((await callApi(server, 'GET', '/api/cloud-backups?storeId=store-main')).body);
      const status = listed.backups.find((backup) => backup.id === upload.backupId)?.status;

      if (backend.storage === 'filesystem') {
        // The server's own PUT endpoint rejects the body, so nothing is stored.
        assert.equal(put.status, 422);
        assert.equal(confirmed.status, 409);
        assert.equal(errorCode(confirmed.body), 'UPLOAD_INCOMPLETE');
        assert.equal(status, 'UPLOADING');
      } else {
        assert.equal(put.status, 200);
        assert.equal(confirmed.status, 422);
        assert.equal(errorCode(confirmed.body), 'SIZE_MISMATCH');
        assert.equal(status, 'FAILED');
        assert.ok(!(await listStoredObjects(server)).includes(upload.objectKey));
      }
    });

    test('altered bytes never become AVAILABLE', async () => {
      const bytes = randomBytes(2000);
      const sha256 = sha256Hex(bytes);
      const altered = Buffer.from(bytes);
      altered[0] = (altered[0] ?? 0) ^ 0x01;
      const upload = requestUploadNewSchema.parse(
        (await callApi(server, 'POST', '/api/cloud-backups/request-upload', {
          body: { storeId: 'store-main', fileName: 'altered.zip', sha256, sizeBytes: bytes.length },
        })).body,
      );
      const put = await fetch(upload.uploadUrl, { method: 'PUT', body: altered });

      const confirmed = await callApi(server, 'POST', '/api/cloud-backups/confirm-upload', { body: { backupId: upload.backupId, sha256 } });
      const listed = listBackupsResponseSchema.parse((await callApi(server, 'GET', '/api/cloud-backups?storeId=store-main')).body);
      const status = listed.backups.find((backup) => backup.id === upload.backupId)?.status;

      if (backend.storage === 'filesystem') {
        assert.equal(put.status, 422);
        assert.equal(errorCode(await put.json()), 'CHECKSUM_MISMATCH');
        assert.equal(confirmed.status, 409);
        assert.equal(errorCode(confirmed.body), 'UPLOAD_INCOMPLETE');
      } else {
        assert.equal(put.status, 200);
        assert.equal(confirmed.status, 422);
        assert.equal(errorCode(confirmed.body), 'CHECKSUM_MISMATCH');
        assert.equal(status, 'FAILED');
        assert.ok(!(await listStoredObjects(server)).includes(upload.objectKey));
      }
      assert.notEqual(status, 'AVAILABLE');

      // A FAILED backup can be uploaded again through a fresh URL for the same row.
      const retry = requestUploadNewSchema.parse(
        (await callApi(server, 'POST', '/api/cloud-backups/request-upload', {
          body: { storeId: 'store-main', fileName: 'altered.zip', sha256, sizeBytes: bytes.length },
        })).body,
      );
      assert.equal(retry.backupId, upload.backupId);
      assert.equal((await fetch(retry.uploadUrl, { method: 'PUT', body: bytes })).status, 200);
      const retried = await callApi(server, 'POST', '/api/cloud-backups/confirm-upload', { body: { backupId: upload.backupId, sha256 } });
      assert.equal(retried.status, 200);
    });

    test('confirm before PUT is UPLOAD_INCOMPLETE', async () => {
      const bytes = randomBytes(10);
      const sha256 = sha256Hex(bytes);
      const upload = requestUploadNewSchema.parse(
        (await callApi(server, 'POST', '/api/cloud-backups/request-upload', {
          body: { storeId: 'store-main', fileName: 'early.zip', sha256, sizeBytes: bytes.length },
        })).body,
      );
      const confirmed = await callApi(server, 'POST', '/api/cloud-backups/confirm-upload', { body: { backupId: upload.backupId, sha256 } });
      assert.equal(confirmed.status, 409);
      assert.equal(errorCode(confirmed.body), 'UPLOAD_INCOMPLETE');

      const wrongSha = await callApi(server, 'POST', '/api/cloud-backups/confirm-upload', {
        body: { backupId: upload.backupId, sha256: 'f'.repeat(64) },
      });
      assert.equal(wrongSha.status, 400);
      assert.equal(errorCode(wrongSha.body), 'SHA256_MISMATCH');

      const download = await callApi(server, 'POST', '/api/cloud-backups/request-download', { body: { backupId: upload.backupId } });
      assert.equal(download.status, 409);
      assert.equal(errorCode(download.body), 'BACKUP_NOT_AVAILABLE');
    });

    test('sizes above 2 GiB are stored exactly', async () => {
      const sizeBytes = 3 * GiB + 7;
      const sha256 = sha256Hex(randomBytes(16));
      const response = await callApi(server, 'POST', '/api/cloud-backups/request-upload', {
        body: { storeId: 'store-main', fileName: 'grande.zip', sha256, sizeBytes },
      });
      assert.equal(response.status, 200);
      const { backupId } = requestUploadNewSchema.parse(response.body);

      const listed = listBackupsResponseSchema.parse((await callApi(server, 'GET', '/api/cloud-backups?storeId=store-main')).body);
      assert.equal(listed.backups.find((backup) => backup.id === backupId)?.sizeBytes, sizeBytes);
    });

    test('5 GiB limit gives SIZE_TOO_LARGE', async () => {
      const atLimit = await callApi(server, 'POST', '/api/cloud-backups/request-upload', {
        body: { storeId: 'store-main', fileName: 'limite.zip', sha256: 'c'.repeat(64), sizeBytes: 5 * GiB },
      });
      assert.equal(atLimit.status, 200);

      const above = await callApi(server, 'POST', '/api/cloud-backups/request-upload', {
        body: { storeId: 'store-main', fileName: 'enorme.zip', sha256: 'd'.repeat(64), sizeBytes: 5 * GiB + 1 },
      });
      assert.equal(above.status, 413);
      assert.equal(errorCode(above.body), 'SIZE_TOO_LARGE');
    });

    test('unknown ids give 404 codes', async () => {
      const cases = [
        { path: '/api/cloud-backups/request-upload', body: { storeId: 'no-such-store', fileName: 'x.zip', sha256: 'a'.repeat(64), sizeBytes: 1 }, code: 'STORE_NOT_FOUND' },
        { path: '/api/cloud-backups/confirm-upload', body: { backupId: 'no-such-backup', sha256: 'a'.repeat(64) }, code: 'BACKUP_NOT_FOUND' },
        { path: '/api/cloud-backups/request-download', body: { backupId: 'no-such-backup' }, code: 'BACKUP_NOT_FOUND' },
      ];
      for (const { path, body, code } of cases) {
        const response = await callApi(server, 'POST', path, { body });
        assert.equal(response.status, 404, path);
        assert.equal(errorCode(response.body), code, path);
      }

      const deleted = await callApi(server, 'DELETE', '/api/cloud-backups/no-such-backup');
      assert.equal(deleted.status, 404);
      assert.equal(errorCode(deleted.body), 'BACKUP_NOT_FOUND');
    });
  });
}
