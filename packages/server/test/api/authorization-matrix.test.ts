import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { errorBodySchema } from '@cloud-backup-sync/protocol';
import { callApi, createDevice, createStore, sha256Hex, uploadBackup, type JsonResponse } from '../helpers/http.ts';
import { startTestServer, type TestDatabaseKind, type TestServer } from '../helpers/start-test-server.ts';

/** The callers of the matrix: each column presents one kind of credential. */
const CALLERS = ['no token', 'unknown token', 'revoked token', 'device same store', 'device other store', 'superadmin'] as const;
type Caller = (typeof CALLERS)[number];

/** Expected response of one cell: a status, plus the error code when the request is rejected. */
interface Expected {
  status: number;
  code?: string;
}

interface Fixtures {
  tokens: Record<Caller, string | null>;
  backupId: string;
  backupSha256: string;
  deletableBackupId: string;
  revocableDeviceId: string;
}

interface Endpoint {
  name: string;
  method: string;
  path: (fixtures: Fixtures) => string;
  body?: (fixtures: Fixtures) => unknown;
  headers?: Record<string, string>;
  expected: Record<Caller, Expected>;
}

const UNAUTHENTICATED: Expected = { status: 401, code: 'UNAUTHENTICATED' };
const INVALID_TOKEN: Expected = { status: 401, code: 'INVALID_TOKEN' };
const FORBIDDEN: Expected = { status: 403, code: 'FORBIDDEN' };
const STORE_FORBIDDEN: Expected = { status: 403, code: 'STORE_FORBIDDEN' };

/** Builds the row of a token-protected endpoint, which rejects the first three columns the same way. */
function protectedRow(device: Expected, otherDevice: Expected, superadmin: Expected): Record<Caller, Expected> {
  return {
    'no token': UNAUTHENTICATED,
    'unknown token': INVALID_TOKEN,
    'revoked token': INVALID_TOKEN,
    'device same store': device,
    'device other store': otherDevice,
    superadmin,
  };
}

function sameForAll(expected: Expected): Record<Caller, Expected> {
  return Object.fromEntries(CALLERS.map((caller) => [caller, expected])) as Record<Caller, Expected>;
}

const STORE_A = 'matrix-a';
const STORE_B = 'matrix-b';

const ENDPOINTS: Endpoint[] = [
  { name: 'GET /api/health', method: 'GET', path: () => '/api/health', expected: sameForAll({ status: 200 }) },
  { name: 'GET /api/stores', method: 'GET', path: () => '/api/stores', expected: protectedRow(FORBIDDEN, FORBIDDEN, { status: 200 }) },
  {
    name: 'POST /api/stores',
    method: 'POST',
    path: () => '/api/stores',
    body: () => ({ name: `Tienda ${randomBytes(4).toString('hex')}` }),
    expected: protectedRow(FORBIDDEN, FORBIDDEN, { status: 201 }),
  },
  { name: 'GET /api/cloud-backups', method: 'GET', path: () => '/api/cloud-backups', expected: protectedRow(FORBIDDEN, FORBIDDEN, { status: 200 }) },
  {
    name: 'POST request-upload',
    method: 'POST',
    path: () => '/api/cloud-backups/request-upload',
    // A fresh SHA-256 per call, so every allowed caller gets a new presigned URL.
    body: () => ({ storeId: STORE_A, fileName: 'backup.zip', sha256: sha256Hex(randomBytes(16)), sizeBytes: 10 }),
    expected: protectedRow({ status: 200 }, STORE_FORBIDDEN, { status: 200 }),
  },
  {
    name: 'POST confirm-upload',
    method: 'POST',
    path: () => '/api/cloud-backups/confirm-upload',
    body: (fixtures) => ({ backupId: fixtures.backupId, sha256: fixtures.backupSha256 }),
    expected: protectedRow({ status: 200 }, STORE_FORBIDDEN, { status: 200 }),
  },
  {
    name: 'POST request-download',
    method: 'POST',
    path: () => '/api/cloud-backups/request-download',
    body: (fixtures) => ({ backupId: fixtures.backupId }),
    expected: protectedRow(FORBIDDEN, FORBIDDEN, { status: 200 }),
  },
  {
    name: 'DELETE /api/cloud-backups/:id',
    method: 'DELETE',
    path: (fixtures) => `/api/cloud-backups/${fixtures.deletableBackupId}`,
    expected: protectedRow(FORBIDDEN, FORBIDDEN, { status: 200 }),
  },
  {
    name: 'POST /api/devices',
    method: 'POST',
    path: () => '/api/devices',
    body: () => ({ storeId: STORE_A, name: 'Caja nueva' }),
    expected: protectedRow(FORBIDDEN, FORBIDDEN, { status: 201 }),
  },
  { name: 'GET /api/devices', method: 'GET', path: () => '/api/devices', expected: protectedRow(FORBIDDEN, FORBIDDEN, { status: 200 }) },
  {
    name: 'DELETE /api/devices/:id',
    method: 'DELETE',
    path: (fixtures) => `/api/devices/${fixtures.revocableDeviceId}`,
    expected: protectedRow(FORBIDDEN, FORBIDDEN, { status: 200 }),
  },
  { name: 'GET /api/audit', method: 'GET', path: () => '/api/audit', expected: protectedRow(FORBIDDEN, FORBIDDEN, { status: 200 }) },
  {
    name: 'POST /api/devices/status',
    method: 'POST',
    path: () => '/api/devices/status',
    body: () => ({ pending: 1, uploaded: 2, failed: 0, lastSyncAt: null }),
    expected: protectedRow({ status: 200 }, { status: 200 }, FORBIDDEN),
  },
  {
    // Authorized by X-Cron-Secret only: no bearer token opens it.
    name: 'POST retention-run',
    method: 'POST',
    path: () => '/api/cloud-backups/retention-run',
    expected: sameForAll({ status: 401, code: 'INVALID_CRON_SECRET' }),
  },
  {
    // A dry run changes nothing, but it still needs the cron secret.
    name: 'POST retention-run?dryRun=true',
    method: 'POST',
    path: () => '/api/cloud-backups/retention-run?dryRun=true',
    expected: sameForAll({ status: 401, code: 'INVALID_CRON_SECRET' }),
  },
  {
    // Authorized by the URL's signature only: no bearer token opens it.
    name: 'GET storage object',
    method: 'GET',
    path: () => '/api/storage/objects/stores/matrix-a/x.zip?expires=9999999999&name=x.zip&sig=00',
    expected: sameForAll({ status: 403, code: 'INVALID_SIGNATURE' }),
  },
];

async function callAs(server: TestServer, endpoint: Endpoint, fixtures: Fixtures, caller: Caller): Promise<JsonResponse> {
  return callApi(server, endpoint.method, endpoint.path(fixtures), {
    token: fixtures.tokens[caller],
    body: endpoint.body?.(fixtures),
    headers: endpoint.headers,
  });
}

for (const database of ['sqlite', 'postgres'] satisfies TestDatabaseKind[]) {
  describe(`authorization matrix on ${database}`, () => {
    let server: TestServer;
    let fixtures: Fixtures;

    before(async () => {
      server = await startTestServer({
        database,
        // The matrix sends many rejected tokens from one address on purpose.
        env: { CRON_SECRET: 'c'.repeat(40), AUTH_FAILURE_LIMIT: '100000' },
      });
      await createStore(server, STORE_A);
      await createStore(server, STORE_B);

      const deviceA = await createDevice(server, STORE_A);
      const deviceB = await createDevice(server, STORE_B);
      const revoked = await createDevice(server, STORE_A, 'Caja revocada');
      const revocation = await callApi(server, 'DELETE', `/api/devices/${revoked.id}`);
      assert.equal(revocation.status, 200);
      const revocable = await createDevice(server, STORE_B, 'Caja a revocar');

      const bytes = randomBytes(64);
      const backupId = await uploadBackup(server, STORE_A, bytes);
      const deletableBackupId = await uploadBackup(server, STORE_A, randomBytes(64), 'deletable.zip');

      fixtures = {
        tokens: {
          'no token': null,
          'unknown token': randomBytes(32).toString('base64url'),
          'revoked token': revoked.token,
          'device same store': deviceA.token,
          'device other store': deviceB.token,
          superadmin: server.token,
        },
        backupId,
        backupSha256: sha256Hex(bytes),
        deletableBackupId,
        revocableDeviceId: revocable.id,
      };
    });
    after(() => server.close());

    // Columns run in CALLERS order, so the superadmin's delete and revoke come last.
    for (const endpoint of ENDPOINTS) {
      for (const caller of CALLERS) {
        const expected = endpoint.expected[caller];
        test(`${endpoint.name} × ${caller}`, async () => {
          const response = await callAs(server, endpoint, fixtures, caller);
          const code = expected.code === undefined ? undefined : errorBodySchema.parse(response.body).error.code;
          assert.deepEqual(
            { status: response.status, code },
            { status: expected.status, code: expected.code },
            `${endpoint.name} as ${caller}: ${JSON.stringify(response.body)}`,
          );
        });
      }
    }
  });
}
