import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { errorBodySchema, requestUploadNewSchema } from '@cloud-backup-sync/protocol';
import { migrateToLatest, openDatabase, type DatabaseHandle } from '../../src/db/database.ts';
import { AppError } from '../../src/http/app-error.ts';
import { FailureLimiter } from '../../src/http/failure-limiter.ts';
import { createLogger } from '../../src/http/logger.ts';
import { SECURITY_HEADERS } from '../../src/http/security-headers.ts';
import { TokenRepository } from '../../src/repositories/token-repository.ts';
import { AuthService } from '../../src/services/auth-service.ts';
import { callApi, createStore, sha256Hex, uploadBackup } from '../helpers/http.ts';
import { startTestServer, type TestServer } from '../helpers/start-test-server.ts';

const FAILURE_LIMIT = 5;

function errorCode(body: unknown): string {
  return errorBodySchema.parse(body).error.code;
}

describe('failed authentication limit', () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer({ env: { AUTH_FAILURE_LIMIT: String(FAILURE_LIMIT), CRON_SECRET: 's'.repeat(40) } });
  });
  after(() => server.close());

  test('address over limit gets 429', async () => {
    for (let attempt = 1; attempt <= FAILURE_LIMIT; attempt += 1) {
      const response = await callApi(server, 'GET', '/api/stores', { token: randomBytes(32).toString('base64url') });
      assert.equal(response.status, 401, `attempt ${attempt}`);
    }

    const blocked = await callApi(server, 'GET', '/api/stores', { token: randomBytes(32).toString('base64url') });
    assert.equal(blocked.status, 429);
    assert.equal(errorCode(blocked.body), 'TOO_MANY_ATTEMPTS');
    const retryAfter = Number(blocked.headers.get('retry-after'));
    assert.ok(Number.isInteger(retryAfter), `Retry-After ${retryAfter}`);
    assert.ok(retryAfter >= 1, `Retry-After ${retryAfter}`);
    assert.ok(retryAfter <= 600, `Retry-After ${retryAfter}`);

    const missingToken = await callApi(server, 'GET', '/api/stores', { token: null });
    assert.equal(missingToken.status, 429, 'a request without a token from the same address');

    const wrongSecret = await callApi(server, 'POST', '/api/cloud-backups/retention-run', { token: null, headers: { 'x-cron-secret': 'wrong' } });
    assert.equal(wrongSecret.status, 429, 'a wrong cron secret from the same address');
  });

  test('valid token is never limited', async () => {
    const response = await callApi(server, 'GET', '/api/stores');
    assert.equal(response.status, 200);
  });

  test('429 message names the wait', async () => {
    const response = await callApi(server, 'GET', '/api/stores', { token: 'x', headers: { 'accept-language': 'en' } });
    assert.match(errorBodySchema.parse(response.body).error.message, /Wait \d+ seconds/);
  });
});

describe('failed authentication per token', () => {
  let dataDir: string;
  let database: DatabaseHandle;
  let auth: AuthService;

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'cbs-limit-'));
    database = openDatabase({ kind: 'sqlite', file: path.join(dataDir, 'db.sqlite') });
    await migrateToLatest(database.db, createLogger('silent'));
    auth = new AuthService(new TokenRepository(database.db), undefined, new FailureLimiter({ limit: 3, windowMs: 600_000 }));
  });
  after(async () => {
    await database.db.destroy();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** Returns the error code `authenticate` raises for `token` sent from `address`. */
  async function codeFor(token: string, address: string): Promise<string> {
    try {
      await auth.authenticate(`Bearer ${token}`, address);
    } catch (error) {
      if (error instanceof AppError) return error.code;
      throw error;
    }
    throw new Error('authentication unexpectedly succeeded');
  }

  test('one token from many addresses', async () => {
    const token = randomBytes(32).toString('base64url');
    assert.equal(await codeFor(token, '198.51.100.1'), 'INVALID_TOKEN');
    assert.equal(await codeFor(token, '198.51.100.2'), 'INVALID_TOKEN');
    assert.equal(await codeFor(token, '198.51.100.3'), 'INVALID_TOKEN');
    assert.equal(await codeFor(token, '198.51.100.4'), 'TOO_MANY_ATTEMPTS');
    assert.equal(await codeFor(randomBytes(32).toString('base64url'), '198.51.100.5'), 'INVALID_TOKEN');
  });
});

describe('request body limit', () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer();
    await createStore(server, 'limits');
  });
  after(() => server.close());

  const upload = { storeId: 'limits', fileName: 'b.zip', sha256: 'ab'.repeat(32), sizeBytes: 10 };

  test('body over 64 KiB is 413', async () => {
    const response = await callApi(server, 'POST', '/api/cloud-backups/request-upload', { body: { ...upload, padding: 'x'.repeat(64 * 1024) } });
    assert.equal(response.status, 413);
    assert.equal(errorCode(response.body), 'PAYLOAD_TOO_LARGE');
  });

  test('body under 64 KiB is parsed', async () => {
    const response = await callApi(server, 'POST', '/api/cloud-backups/request-upload', { body: { ...upload, padding: 'x'.repeat(60 * 1024) } });
    assert.equal(response.status, 200);
  });

  test('storage upload is exempt from limit', async () => {
    const backupId = await uploadBackup(server, 'limits', randomBytes(300 * 1024));
    assert.match(backupId, /^[\w-]+$/);
  });
});

describe('security headers', () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer();
    await createStore(server, 'headers');
  });
  after(() => server.close());

  function assertSecurityHeaders(headers: Headers, label: string): void {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
      assert.equal(headers.get(name), value, `${label}: ${name}`);
    }
  }

  test('policy forbids framing', () => {
    assert.match(SECURITY_HEADERS['content-security-policy'] ?? '', /frame-ancestors 'none'/);
    assert.match(SECURITY_HEADERS['content-security-policy'] ?? '', /default-src 'none'/);
  });

  test('every kind of response carries them', async () => {
    assertSecurityHeaders((await callApi(server, 'GET', '/api/health')).headers, 'health');
    assertSecurityHeaders((await callApi(server, 'GET', '/api/stores')).headers, 'JSON 200');
    assertSecurityHeaders((await callApi(server, 'GET', '/api/stores', { token: null })).headers, '401');
    assertSecurityHeaders((await callApi(server, 'GET', '/api/nothing')).headers, '404');
    assertSecurityHeaders((await callApi(server, 'POST', '/api/stores', { body: '{' })).headers, 'malformed JSON');
    assertSecurityHeaders((await callApi(server, 'DELETE', '/api/cloud-backups/%E0%A4%A')).headers, 'malformed URL');
  });

  test('storage responses carry them', async () => {
    const bytes = randomBytes(1000);
    const requested = await callApi(server, 'POST', '/api/cloud-backups/request-upload', {
      body: { storeId: 'headers', fileName: 'b.zip', sha256: sha256Hex(bytes), sizeBytes: bytes.length },
    });
    const answer = requestUploadNewSchema.parse(requested.body);
    const put = await fetch(answer.uploadUrl, { method: 'PUT', body: bytes });
    assertSecurityHeaders(put.headers, 'storage PUT');

    await callApi(server, 'POST', '/api/cloud-backups/confirm-upload', { body: { backupId: answer.backupId, sha256: sha256Hex(bytes) } });
    const download = await callApi(server, 'POST', '/api/cloud-backups/request-download', { body: { backupId: answer.backupId } });
    const downloadUrl = String(Object(download.body).downloadUrl);
    const get = await fetch(downloadUrl);
    await get.arrayBuffer();
    assertSecurityHeaders(get.headers, 'storage GET');

    const unsigned = await fetch(answer.uploadUrl.split('?')[0] ?? '');
    await unsigned.arrayBuffer();
    assertSecurityHeaders(unsigned.headers, 'storage 403');
  });
});
