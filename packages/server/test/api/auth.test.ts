import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { errorBodySchema } from '@cloud-backup-sync/protocol';
import { createSuperadmin } from '../../src/index.ts';
import { callApi } from '../helpers/http.ts';
import { startTestServer, type TestDatabaseKind, type TestServer } from '../helpers/start-test-server.ts';

const PROTECTED_ROUTES: Array<{ method: string; path: string; body?: unknown }> = [
  { method: 'GET', path: '/api/stores' },
  { method: 'POST', path: '/api/stores', body: { name: 'x' } },
  { method: 'GET', path: '/api/cloud-backups' },
  { method: 'POST', path: '/api/cloud-backups/request-upload', body: {} },
  { method: 'POST', path: '/api/cloud-backups/confirm-upload', body: {} },
  { method: 'POST', path: '/api/cloud-backups/request-download', body: {} },
  { method: 'DELETE', path: '/api/cloud-backups/some-id' },
];

for (const database of ['sqlite', 'postgres'] satisfies TestDatabaseKind[]) {
  describe(`authentication on ${database}`, () => {
    let server: TestServer;

    before(async () => {
      server = await startTestServer({ database });
    });
    after(() => server.close());

    test('missing token is UNAUTHENTICATED', async () => {
      for (const route of PROTECTED_ROUTES) {
        const response = await callApi(server, route.method, route.path, { body: route.body, token: null });
        assert.equal(response.status, 401, route.path);
        assert.equal(errorBodySchema.parse(response.body).error.code, 'UNAUTHENTICATED', route.path);
      }
    });

    test('unknown token is INVALID_TOKEN', async () => {
      for (const route of PROTECTED_ROUTES) {
        const response = await callApi(server, route.method, route.path, { body: route.body, token: 'not-a-real-token' });
        assert.equal(response.status, 401, route.path);
        assert.equal(errorBodySchema.parse(response.body).error.code, 'INVALID_TOKEN', route.path);
      }
    });

    test('malformed Authorization is INVALID_TOKEN', async () => {
      const response = await callApi(server, 'GET', '/api/stores', { token: null, headers: { authorization: 'Basic abc' } });
      assert.equal(response.status, 401);
      assert.equal(errorBodySchema.parse(response.body).error.code, 'INVALID_TOKEN');
    });

    test('error language follows Accept-Language', async () => {
      const spanish = await callApi(server, 'GET', '/api/stores', { token: null });
      assert.match(errorBodySchema.parse(spanish.body).error.message, /Falta la autenticación/);

      const english = await callApi(server, 'GET', '/api/stores', { token: null, headers: { 'accept-language': 'en-US,en;q=0.9' } });
      assert.match(errorBodySchema.parse(english.body).error.message, /Authentication is missing/);

      const preferSpanish = await callApi(server, 'GET', '/api/stores', { token: null, headers: { 'accept-language': 'es-MX,en;q=0.5' } });
      assert.match(errorBodySchema.parse(preferSpanish.body).error.message, /Falta la autenticación/);
    });

    test('second superadmin call issues new token', async () => {
      const first = await createSuperadmin(server.config, 'Otro.Admin@Example.com');
      const second = await createSuperadmin(server.config, 'otro.admin@example.com');
      assert.equal(second.userId, first.userId);
      assert.notEqual(second.token, first.token);

      for (const token of [first.token, second.token]) {
        assert.equal((await callApi(server, 'GET', '/api/stores', { token })).status, 200);
      }
      await assert.rejects(createSuperadmin(server.config, 'not-an-email'), /Invalid email/);
    });

    test('health needs no token', async () => {
      const response = await callApi(server, 'GET', '/api/health', { token: null });
      assert.equal(response.status, 200);
    });
  });
}
