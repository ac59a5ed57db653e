import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { errorBodySchema, requestUploadNewSchema } from '@cloud-backup-sync/protocol';
import { callApi, createStore, listStoredObjects, sha256Hex } from '../helpers/http.ts';
import { startTestServer, type TestServer } from '../helpers/start-test-server.ts';

async function errorCodeOf(response: Response): Promise<string> {
  return errorBodySchema.parse(await response.json()).error.code;
}

describe('filesystem storage URLs', () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer({ database: 'sqlite', storage: 'filesystem' });
    await createStore(server, 'store-fs');
  });
  after(() => server.close());

  async function requestUpload(bytes: Uint8Array) {
    const response = await callApi(server, 'POST', '/api/cloud-backups/request-upload', {
      body: { storeId: 'store-fs', fileName: 'fs.zip', sha256: sha256Hex(bytes), sizeBytes: bytes.length },
    });
    return requestUploadNewSchema.parse(response.body);
  }

  test('tampered URL parameters are INVALID_SIGNATURE', async () => {
    const bytes = randomBytes(128);
    const upload = await requestUpload(bytes);
    const tampered = [
      (url: URL) => url.searchParams.set('size', '129'),
      (url: URL) => url.searchParams.set('sha256', 'e'.repeat(64)),
      (url: URL) => url.searchParams.set('expires', String(Number(url.searchParams.get('expires')) + 3600)),
      (url: URL) => url.searchParams.set('sig', '0'.repeat(64)),
      (url: URL) => url.searchParams.delete('sig'),
      (url: URL) => {
        url.pathname = url.pathname.replace('store-fs', 'store-xx');
      },
    ];

    for (const change of tampered) {
      const url = new URL(upload.uploadUrl);
      change(url);
      const response = await fetch(url, { method: 'PUT', body: bytes });
      assert.equal(response.status, 403, url.toString());
      assert.equal(await errorCodeOf(response), 'INVALID_SIGNATURE');
    }
    assert.deepEqual(await listStoredObjects(server), []);
  });

  test('upload URL does not allow GET', async () => {
    const bytes = randomBytes(128);
    const upload = await requestUpload(bytes);
    assert.equal((await fetch(upload.uploadUrl, { method: 'PUT', body: bytes })).status, 200);

    const response = await fetch(upload.uploadUrl);
    assert.equal(response.status, 403);
    assert.equal(await errorCodeOf(response), 'INVALID_SIGNATURE');
  });

  test('path traversal in URL never reaches disk', async () => {
    for (const suffix of ['..%2F..%2Fetc%2Fpasswd', '%2Fetc%2Fpasswd', 'stores/%2E%2E/x.zip']) {
      const response = await fetch(`${server.url}/api/storage/objects/${suffix}?size=1&sha256=${'a'.repeat(64)}&expires=9999999999&sig=00`, {
        method: 'PUT',
        body: 'x',
      });
      assert.ok(response.status === 403 || response.status === 404, `${suffix}: ${response.status}`);
    }
  });

  test('large body streams past JSON body limit', async () => {
    const bytes = randomBytes(3 * 1024 * 1024);
    const upload = await requestUpload(bytes);
    const put = await fetch(upload.uploadUrl, { method: 'PUT', body: bytes, headers: { 'content-type': 'application/zip' } });
    assert.equal(put.status, 200);

    const file = path.join(server.dataDir, 'objects', upload.objectKey);
    assert.equal((await stat(file)).size, bytes.length);
  });

  test('signing secret file is private', async () => {
    const secret = await stat(path.join(server.dataDir, 'url-signing.key'));
    assert.equal(secret.mode & 0o777, 0o600);
  });

  test('rejected PUT leaves no temporary file', async () => {
    const bytes = randomBytes(4096);
    const upload = await requestUpload(bytes);
    const altered = Buffer.from(bytes);
    altered[100] = (altered[100] ?? 0) ^ 0xff;
    const objectsBefore = await listStoredObjects(server);

    const response = await fetch(upload.uploadUrl, { method: 'PUT', body: altered });
    assert.equal(response.status, 422);
    assert.equal(await errorCodeOf(response), 'CHECKSUM_MISMATCH');
    assert.deepEqual(await listStoredObjects(server), objectsBefore);
  });
});
