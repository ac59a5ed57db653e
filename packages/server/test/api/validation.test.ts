import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { errorBodySchema, listBackupsResponseSchema, listStoresResponseSchema } from '@cloud-backup-sync/protocol';
import { callApi, createStore, listStoredObjects } from '../helpers/http.ts';
import { BACKENDS, startTestServer, type TestServer } from '../helpers/start-test-server.ts';

const GOOD_SHA256 = 'ab'.repeat(32);
const GOOD_UPLOAD = { storeId: 'store-v', fileName: 'backup.zip', sha256: GOOD_SHA256, sizeBytes: 1024 };

interface BadRequestCase {
  name: string;
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  status: number;
  code: string;
}

const cases: BadRequestCase[] = [
  ...[
    ['short', 'abc'],
    ['long', `${GOOD_SHA256}0`],
    ['non-hex', 'g'.repeat(64)],
    ['number', 12345],
    ['null', null],
  ].map(([label, sha256]) => ({
    name: `request-upload sha256 ${String(label)}`,
    method: 'POST' as const,
    path: '/api/cloud-backups/request-upload',
    body: { ...GOOD_UPLOAD, sha256 },
    status: 400,
    code: 'INVALID_SHA256',
  })),
  ...[
    ['zero', 0],
    ['negative', -5],
    ['fraction', 1.5],
    ['string', '1024'],
    ['unsafe integer', 2 ** 60],
  ].map(([label, sizeBytes]) => ({
    name: `request-upload sizeBytes ${String(label)}`,
    method: 'POST' as const,
    path: '/api/cloud-backups/request-upload',
    body: { ...GOOD_UPLOAD, sizeBytes },
    status: 400,
    code: 'INVALID_SIZE',
  })),
  ...[
    ['empty', ''],
    ['over-long', `${'a'.repeat(256)}.zip`],
    ['slash', 'a/b.zip'],
    ['backslash', 'a\\b.zip'],
    ['control char', 'a\u0007b.zip'],
    ['newline', 'a\nb.zip'],
    ['dot-dot', '..'],
    ['number', 7],
  ].map(([label, fileName]) => ({
    name: `request-upload fileName ${String(label)}`,
    method: 'POST' as const,
    path: '/api/cloud-backups/request-upload',
    body: { ...GOOD_UPLOAD, fileName },
    status: 400,
    code: 'INVALID_FILE_NAME',
  })),
  { name: 'request-upload storeId path', method: 'POST', path: '/api/cloud-backups/request-upload', body: { ...GOOD_UPLOAD, storeId: '../x' }, status: 400, code: 'INVALID_ID' },
  { name: 'request-upload storeId object', method: 'POST', path: '/api/cloud-backups/request-upload', body: { ...GOOD_UPLOAD, storeId: { id: 1 } }, status: 400, code: 'INVALID_ID' },
  { name: 'request-upload missing sha256', method: 'POST', path: '/api/cloud-backups/request-upload', body: { storeId: 'store-v', fileName: 'a.zip', sizeBytes: 1 }, status: 400, code: 'INVALID_SHA256' },
  { name: 'request-upload missing everything', method: 'POST', path: '/api/cloud-backups/request-upload', body: {}, status: 400, code: 'INVALID_ID' },
  { name: 'request-upload array body', method: 'POST', path: '/api/cloud-backups/request-upload', body: [GOOD_UPLOAD], status: 400, code: 'INVALID_BODY' },
  { name: 'request-upload JSON string body', method: 'POST', path: '/api/cloud-backups/request-upload', body: '"text"', status: 400, code: 'INVALID_BODY' },
  { name: 'request-upload malformed JSON', method: 'POST', path: '/api/cloud-backups/request-upload', body: '{"storeId": ', status: 400, code: 'MALFORMED_JSON' },
  { name: 'request-upload empty JSON body', method: 'POST', path: '/api/cloud-backups/request-upload', body: '', status: 400, code: 'MALFORMED_JSON' },
  {
    name: 'request-upload text/plain',
    method: 'POST',
    path: '/api/cloud-backups/request-upload',
    body: JSON.stringify(GOOD_UPLOAD),
    headers: { 'content-type': 'text/plain' },
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
  },
  {
    name: 'request-upload form body',
    method: 'POST',
    path: '/api/cloud-backups/request-upload',
    body: 'storeId=store-v',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
  },
  {
    name: 'request-upload body too large',
    method: 'POST',
    path: '/api/cloud-backups/request-upload',
    body: { ...GOOD_UPLOAD, padding: 'x'.repeat(100_000) },
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
  },
  { name: 'confirm-upload sha256 short', method: 'POST', path: '/api/cloud-backups/confirm-upload', body: { backupId: 'b1', sha256: 'abc' }, status: 400, code: 'INVALID_SHA256' },
  { name: 'confirm-upload backupId number', method: 'POST', path: '/api/cloud-backups/confirm-upload', body: { backupId: 5, sha256: GOOD_SHA256 }, status: 400, code: 'INVALID_ID' },
  { name: 'confirm-upload missing body', method: 'POST', path: '/api/cloud-backups/confirm-upload', status: 400, code: 'INVALID_BODY' },
  { name: 'confirm-upload malformed JSON', method: 'POST', path: '/api/cloud-backups/confirm-upload', body: '{', status: 400, code: 'MALFORMED_JSON' },
  { name: 'request-download backupId too long', method: 'POST', path: '/api/cloud-backups/request-download', body: { backupId: 'x'.repeat(65) }, status: 400, code: 'INVALID_ID' },
  { name: 'request-download backupId missing', method: 'POST', path: '/api/cloud-backups/request-download', body: {}, status: 400, code: 'INVALID_ID' },
  { name: 'delete invalid id', method: 'DELETE', path: '/api/cloud-backups/bad%20id', status: 400, code: 'INVALID_ID' },
  { name: 'list storeId invalid', method: 'GET', path: '/api/cloud-backups?storeId=..%2Fx', status: 400, code: 'INVALID_ID' },
  { name: 'list storeId repeated', method: 'GET', path: '/api/cloud-backups?storeId=a&storeId=b', status: 400, code: 'INVALID_ID' },
  { name: 'create store empty name', method: 'POST', path: '/api/stores', body: { name: '   ' }, status: 400, code: 'INVALID_STORE_NAME' },
  { name: 'create store name number', method: 'POST', path: '/api/stores', body: { name: 42 }, status: 400, code: 'INVALID_STORE_NAME' },
  { name: 'create store control char', method: 'POST', path: '/api/stores', body: { name: 'a\u0000b' }, status: 400, code: 'INVALID_STORE_NAME' },
  { name: 'create store bad id', method: 'POST', path: '/api/stores', body: { id: 'a b', name: 'Tienda' }, status: 400, code: 'INVALID_ID' },
  { name: 'unknown route', method: 'GET', path: '/api/nothing-here', status: 404, code: 'NOT_FOUND' },
  { name: 'broken percent-encoding', method: 'DELETE', path: '/api/cloud-backups/%E0%A4%A', status: 400, code: 'MALFORMED_URL' },
  { name: 'unknown method', method: 'DELETE', path: '/api/stores', status: 404, code: 'NOT_FOUND' },
];

for (const backend of BACKENDS) {
  describe(`bad input on ${backend.database} + ${backend.storage}`, () => {
    let server: TestServer;

    before(async () => {
      server = await startTestServer(backend);
      await createStore(server, 'store-v');
    });
    after(() => server.close());

    test('every bad request gets its code and writes nothing', async () => {
      const backupsBefore = listBackupsResponseSchema.parse((await callApi(server, 'GET', '/api/cloud-backups')).body).backups;
      const storesBefore = listStoresResponseSchema.parse((await callApi(server, 'GET', '/api/stores')).body).stores;
      const objectsBefore = await listStoredObjects(server);

      for (const badRequest of cases) {
        const response = await callApi(server, badRequest.method, badRequest.path, {
          body: badRequest.body,
          headers: badRequest.headers,
        });
        assert.equal(response.status, badRequest.status, `${badRequest.name}: ${JSON.stringify(response.body)}`);
        const error = errorBodySchema.strict().parse(response.body).error;
        assert.equal(error.code, badRequest.code, badRequest.name);
        assert.ok(error.message.length > 0, badRequest.name);
      }

      const backupsAfter = listBackupsResponseSchema.parse((await callApi(server, 'GET', '/api/cloud-backups')).body).backups;
      const storesAfter = listStoresResponseSchema.parse((await callApi(server, 'GET', '/api/stores')).body).stores;
      assert.deepEqual(backupsAfter, backupsBefore);
      assert.deepEqual(storesAfter, storesBefore);
      assert.deepEqual(await listStoredObjects(server), objectsBefore);
    });

    test('validation message names field and value', async () => {
      const response = await callApi(server, 'POST', '/api/cloud-backups/request-upload', {
        body: { ...GOOD_UPLOAD, sha256: 'xyz' },
        headers: { 'accept-language': 'en' },
      });
      const message = errorBodySchema.parse(response.body).error.message;
      assert.match(message, /sha256/);
      assert.match(message, /"xyz"/);
      assert.match(message, /64 hexadecimal/);

      const spanish = await callApi(server, 'POST', '/api/cloud-backups/request-upload', { body: { ...GOOD_UPLOAD, sizeBytes: -1 } });
      assert.match(errorBodySchema.parse(spanish.body).error.message, /sizeBytes "-1" no es válido/);
    });
  });
}
