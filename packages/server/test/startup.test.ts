import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { AppError } from '../src/http/app-error.ts';
import { createLogger } from '../src/http/logger.ts';
import { loadConfig, startServer } from '../src/index.ts';
import { requireRole } from '../src/services/auth-service.ts';
import { requestUploadNewSchema } from '@cloud-backup-sync/protocol';
import { callApi, createStore } from './helpers/http.ts';
import { startS3rver } from './helpers/start-s3rver.ts';
import { startTestServer } from './helpers/start-test-server.ts';

async function startWithS3Env(overrides: Record<string, string>): Promise<void> {
  const s3 = await startS3rver();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'cbs-startup-'));
  try {
    const config = loadConfig({ PORT: '0', DATA_DIR: dataDir, ...s3.env, ...overrides });
    const server = await startServer(config, { logger: createLogger('silent') });
    await server.close();
  } finally {
    await s3.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

test('missing bucket fails start-up', async () => {
  await assert.rejects(startWithS3Env({ S3_BUCKET_NAME: 'no-such-bucket' }), /S3_BUCKET_NAME/);
});

test('unknown S3 access key fails start-up', async () => {
  await assert.rejects(startWithS3Env({ S3_ACCESS_KEY_ID: 'UNKNOWN' }), /S3_ACCESS_KEY_ID/);
});

test('correct S3 settings start', async () => {
  await startWithS3Env({});
});

test('role outside allowed list is FORBIDDEN', () => {
  const principal = { userId: 'u1', tokenId: 't1', role: 'SUPERADMIN' as const };
  assert.throws(
    () => requireRole(principal, []),
    (error: unknown) => error instanceof AppError && error.code === 'FORBIDDEN' && error.statusCode === 403,
  );
  assert.doesNotThrow(() => requireRole(principal, ['SUPERADMIN']));
});

test('PUBLIC_URL prefixes filesystem URLs', async () => {
  const server = await startTestServer({ database: 'sqlite', env: { PUBLIC_URL: 'https://backups.example.com/' } });
  try {
    await createStore(server, 'store-public');
    const response = await callApi(server, 'POST', '/api/cloud-backups/request-upload', {
      body: { storeId: 'store-public', fileName: 'x.zip', sha256: 'a'.repeat(64), sizeBytes: 10 },
    });
    const upload = requestUploadNewSchema.parse(response.body);
    assert.ok(upload.uploadUrl.startsWith('https://backups.example.com/api/storage/objects/stores/store-public/'), upload.uploadUrl);
  } finally {
    await server.close();
  }
});
