import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { errorBodySchema, requestUploadNewSchema } from '@cloud-backup-sync/protocol';
import { callApi, createStore, sha256Hex } from '../helpers/http.ts';
import { startTestServer } from '../helpers/start-test-server.ts';

test('unreachable S3 is STORAGE_UNAVAILABLE', async () => {
  const server = await startTestServer({ database: 'sqlite', storage: 's3' });
  try {
    await createStore(server, 'store-down');
    const bytes = randomBytes(64);
    const sha256 = sha256Hex(bytes);
    const upload = requestUploadNewSchema.parse(
      (await callApi(server, 'POST', '/api/cloud-backups/request-upload', {
        body: { storeId: 'store-down', fileName: 'x.zip', sha256, sizeBytes: bytes.length },
      })).body,
    );

    // Stopping s3rver leaves its port closed, so the SDK gets ECONNREFUSED.
    await server.s3?.close();
    const confirmed = await callApi(server, 'POST', '/api/cloud-backups/confirm-upload', {
      body: { backupId: upload.backupId, sha256 },
      headers: { 'accept-language': 'en' },
    });
    assert.equal(confirmed.status, 503);
    const error = errorBodySchema.parse(confirmed.body).error;
    assert.equal(error.code, 'STORAGE_UNAVAILABLE');
    assert.match(error.message, /^Storage did not respond: HeadObject/);

    const deleted = await callApi(server, 'DELETE', `/api/cloud-backups/${upload.backupId}`);
    assert.equal(deleted.status, 503);
    assert.equal(errorBodySchema.parse(deleted.body).error.code, 'STORAGE_UNAVAILABLE');
  } finally {
    await server.close();
  }
});
