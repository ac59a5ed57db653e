import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { errorBodySchema, requestUploadNewSchema } from '@cloud-backup-sync/protocol';
import { callApi, createStore, listStoredObjects, sha256Hex } from '../helpers/http.ts';
import { BACKENDS, startTestServer, type TestServer } from '../helpers/start-test-server.ts';

const SPEC_KEYS = ['backupId', 'expiresIn', 'objectKey', 'uploadUrl'];

for (const backend of BACKENDS) {
  describe(`upload integrity on ${backend.database} + ${backend.storage}`, () => {
    let server: TestServer;

    before(async () => {
      server = await startTestServer(backend);
      await createStore(server, 'integrity');
    });
    after(() => server.close());

    const requestUpload = (bytes: Buffer, extra: Record<string, unknown>) =>
      callApi(server, 'POST', '/api/cloud-backups/request-upload', {
        body: { storeId: 'integrity', fileName: 'b.zip', sha256: sha256Hex(bytes), sizeBytes: bytes.length, ...extra },
      });

    test('omitted checksumHeader keeps spec response', async () => {
      const response = await requestUpload(randomBytes(10), {});
      assert.equal(response.status, 200);
      assert.deepEqual(Object.keys(Object(response.body)).sort(), SPEC_KEYS);
    });

    test('checksumHeader false returns no headers', async () => {
      const response = await requestUpload(randomBytes(10), { checksumHeader: false });
      assert.equal(response.status, 200);
      assert.deepEqual(requestUploadNewSchema.parse(response.body).uploadHeaders, {});
    });

    test('checksumHeader true round trip', async () => {
      const bytes = randomBytes(5000);
      const response = await requestUpload(bytes, { checksumHeader: true });
      assert.equal(response.status, 200);
      const answer = requestUploadNewSchema.parse(response.body);
      const checksum = Buffer.from(sha256Hex(bytes), 'hex').toString('base64');
      assert.deepEqual(answer.uploadHeaders, { 'x-amz-checksum-sha256': checksum });

      const put = await fetch(answer.uploadUrl, { method: 'PUT', body: bytes, headers: answer.uploadHeaders });
      assert.equal(put.status, 200, await put.text());
      const confirmed = await callApi(server, 'POST', '/api/cloud-backups/confirm-upload', {
        body: { backupId: answer.backupId, sha256: sha256Hex(bytes) },
      });
      assert.equal(confirmed.status, 200);
    });

    test('altered bytes with header never AVAILABLE', async () => {
      const bytes = randomBytes(3000);
      const altered = Buffer.from(bytes);
      altered[7] = (altered[7] ?? 0) ^ 0x01;
      const answer = requestUploadNewSchema.parse((await requestUpload(bytes, { checksumHeader: true })).body);

      const put = await fetch(answer.uploadUrl, { method: 'PUT', body: altered, headers: answer.uploadHeaders });
      await put.arrayBuffer();
      const confirmed = await callApi(server, 'POST', '/api/cloud-backups/confirm-upload', {
        body: { backupId: answer.backupId, sha256: sha256Hex(bytes) },
      });
      // The filesystem driver rejects the PUT itself; s3rver accepts it and the
      // server's read-back hash at confirmation rejects it.
      const code = errorBodySchema.parse(confirmed.body).error.code;
      assert.equal(code, backend.storage === 'filesystem' ? 'UPLOAD_INCOMPLETE' : 'CHECKSUM_MISMATCH');
      assert.ok(!(await listStoredObjects(server)).includes(answer.objectKey));
    });

    test('non-boolean checksumHeader is INVALID_BODY', async () => {
      const before = await listStoredObjects(server);
      for (const checksumHeader of ['true', 1, 0, null, [], {}]) {
        const response = await requestUpload(randomBytes(10), { checksumHeader });
        assert.equal(response.status, 400, JSON.stringify(checksumHeader));
        assert.equal(errorBodySchema.parse(response.body).error.code, 'INVALID_BODY', JSON.stringify(checksumHeader));
      }
      assert.deepEqual(await listStoredObjects(server), before);
    });
  });
}
