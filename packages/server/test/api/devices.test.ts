import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import {
  createDeviceResponseSchema,
  deviceResponseSchema,
  errorBodySchema,
  listDevicesResponseSchema,
  requestUploadNewSchema,
} from '@cloud-backup-sync/protocol';
import { openDatabase, type DatabaseHandle } from '../../src/db/database.ts';
import { callApi, createDevice, createStore, sha256Hex, uploadBackup } from '../helpers/http.ts';
import { startTestServer, type TestDatabaseKind, type TestServer } from '../helpers/start-test-server.ts';

function errorCode(body: unknown): string {
  return errorBodySchema.parse(body).error.code;
}

for (const database of ['sqlite', 'postgres'] satisfies TestDatabaseKind[]) {
  describe(`device tokens on ${database}`, () => {
    let server: TestServer;
    let handle: DatabaseHandle;

    before(async () => {
      server = await startTestServer({ database });
      handle = openDatabase(server.config.database);
      await createStore(server, 'dev-a');
      await createStore(server, 'dev-b');
    });
    after(async () => {
      await handle.db.destroy();
      await server.close();
    });

    /** Returns the audit events of one device, oldest first. */
    async function deviceAuditEvents(deviceId: string) {
      return handle.db
        .selectFrom('audit_events')
        .selectAll()
        .where('target_type', '=', 'device')
        .where('target_id', '=', deviceId)
        .orderBy('at')
        .orderBy('action')
        .execute();
    }

    test('create returns device and token once', async () => {
      const response = await callApi(server, 'POST', '/api/devices', { body: { storeId: 'dev-a', name: 'Caja 1' } });
      assert.equal(response.status, 201);
      const created = createDeviceResponseSchema.parse(response.body);
      assert.equal(created.device.storeId, 'dev-a');
      assert.equal(created.device.name, 'Caja 1');
      assert.equal(created.device.lastUsedAt, null);
      assert.equal(created.device.revokedAt, null);
      assert.equal(created.device.status, null);
      assert.match(created.token, /^[A-Za-z0-9_-]{43}$/);

      const listed = await callApi(server, 'GET', '/api/devices');
      assert.equal(listed.status, 200);
      assert.ok(!JSON.stringify(listed.body).includes(created.token), 'the list must not contain the token');
      assert.ok(!JSON.stringify(listed.body).includes(sha256Hex(Buffer.from(created.token))), 'the list must not contain the token hash');
    });

    test('list filters by store', async () => {
      const deviceInB = await createDevice(server, 'dev-b', 'Caja B');
      const response = await callApi(server, 'GET', '/api/devices?storeId=dev-b');
      const { devices } = listDevicesResponseSchema.parse(response.body);
      assert.ok(devices.some((device) => device.id === deviceInB.id));
      assert.ok(devices.every((device) => device.storeId === 'dev-b'));
    });

    test('create for unknown store is STORE_NOT_FOUND', async () => {
      const response = await callApi(server, 'POST', '/api/devices', { body: { storeId: 'no-such-store', name: 'Caja' } });
      assert.equal(response.status, 404);
      assert.equal(errorCode(response.body), 'STORE_NOT_FOUND');
    });

    test('invalid device name is INVALID_DEVICE_NAME', async () => {
      for (const name of ['', '   ', 'a\u0000b', 'x'.repeat(201), 42]) {
        const response = await callApi(server, 'POST', '/api/devices', { body: { storeId: 'dev-a', name } });
        assert.equal(response.status, 400, JSON.stringify(name));
        assert.equal(errorCode(response.body), 'INVALID_DEVICE_NAME', JSON.stringify(name));
      }
    });

    test('device uploads for its own store', async () => {
      const device = await createDevice(server, 'dev-a');
      const backupId = await uploadBackup(server, 'dev-a', randomBytes(200), 'caja.zip', { token: device.token });

      const listed = await callApi(server, 'GET', '/api/cloud-backups?storeId=dev-a');
      assert.ok(JSON.stringify(listed.body).includes(backupId));

      const devices = listDevicesResponseSchema.parse((await callApi(server, 'GET', '/api/devices')).body).devices;
      const used = devices.find((candidate) => candidate.id === device.id);
      assert.notEqual(used?.lastUsedAt, null);
    });

    test('device cannot confirm another store backup', async () => {
      const bytes = randomBytes(100);
      const backupId = await uploadBackup(server, 'dev-b', bytes);
      const deviceA = await createDevice(server, 'dev-a');

      const response = await callApi(server, 'POST', '/api/cloud-backups/confirm-upload', {
        token: deviceA.token,
        body: { backupId, sha256: sha256Hex(bytes) },
      });
      assert.equal(response.status, 403);
      assert.equal(errorCode(response.body), 'STORE_FORBIDDEN');
    });

    test('device cannot request upload for unknown store', async () => {
      const device = await createDevice(server, 'dev-a');
      const response = await callApi(server, 'POST', '/api/cloud-backups/request-upload', {
        token: device.token,
        body: { storeId: 'not-a-store', fileName: 'a.zip', sha256: 'ab'.repeat(32), sizeBytes: 5 },
      });
      // STORE_FORBIDDEN, not STORE_NOT_FOUND: a device learns nothing about other store ids.
      assert.equal(response.status, 403);
      assert.equal(errorCode(response.body), 'STORE_FORBIDDEN');
    });

    test('revoke is idempotent and disables token', async () => {
      const device = await createDevice(server, 'dev-a');
      const first = await callApi(server, 'DELETE', `/api/devices/${device.id}`);
      assert.equal(first.status, 200);
      const revokedAt = deviceResponseSchema.parse(first.body).device.revokedAt;
      assert.notEqual(revokedAt, null);

      const second = await callApi(server, 'DELETE', `/api/devices/${device.id}`);
      assert.equal(second.status, 200);
      assert.equal(deviceResponseSchema.parse(second.body).device.revokedAt, revokedAt);

      const rejected = await callApi(server, 'POST', '/api/cloud-backups/request-upload', {
        token: device.token,
        body: { storeId: 'dev-a', fileName: 'a.zip', sha256: 'cd'.repeat(32), sizeBytes: 5 },
      });
      assert.equal(rejected.status, 401);
      assert.equal(errorCode(rejected.body), 'INVALID_TOKEN');
    });

    test('create and revoke are audited', async () => {
      const superadmin = await handle.db.selectFrom('users').select('id').where('email', '=', 'superadmin@example.com').executeTakeFirstOrThrow();
      const device = await createDevice(server, 'dev-b', 'Caja auditada');

      const created = await deviceAuditEvents(device.id);
      assert.equal(created.length, 1);
      assert.equal(created[0]?.action, 'device.created');
      assert.equal(created[0]?.actor, `user:${superadmin.id}`);
      assert.equal(created[0]?.source_address, '127.0.0.1');
      assert.deepEqual(JSON.parse(created[0]?.details ?? '{}'), { storeId: 'dev-b', name: 'Caja auditada' });
      assert.ok(!JSON.stringify(created).includes(device.token), 'the audit event must not contain the token');

      const revocation = await callApi(server, 'DELETE', `/api/devices/${device.id}`);
      assert.equal(revocation.status, 200);
      const revokedAt = deviceResponseSchema.parse(revocation.body).device.revokedAt;
      const events = await deviceAuditEvents(device.id);
      assert.deepEqual(
        events.map((event) => event.action),
        ['device.created', 'device.revoked'],
      );
      const revoked = events.find((event) => event.action === 'device.revoked');
      assert.equal(revoked?.actor, `user:${superadmin.id}`);
      assert.equal(revoked?.at, revokedAt);
      assert.equal(revoked?.source_address, '127.0.0.1');
      assert.deepEqual(JSON.parse(revoked?.details ?? '{}'), { storeId: 'dev-b', name: 'Caja auditada' });

      // Revoking again succeeds without a second record.
      assert.equal((await callApi(server, 'DELETE', `/api/devices/${device.id}`)).status, 200);
      assert.equal((await deviceAuditEvents(device.id)).length, 2);
    });

    test('failed create is not audited', async () => {
      const before_ = await handle.db.selectFrom('audit_events').select('id').where('target_type', '=', 'device').execute();
      const response = await callApi(server, 'POST', '/api/devices', { body: { storeId: 'no-such-store', name: 'Caja' } });
      assert.equal(response.status, 404);
      const after_ = await handle.db.selectFrom('audit_events').select('id').where('target_type', '=', 'device').execute();
      assert.equal(after_.length, before_.length);
    });

    test('revoke unknown device is DEVICE_NOT_FOUND', async () => {
      const response = await callApi(server, 'DELETE', '/api/devices/no-such-device');
      assert.equal(response.status, 404);
      assert.equal(errorCode(response.body), 'DEVICE_NOT_FOUND');
    });

    test('status report is stored and listed', async () => {
      const device = await createDevice(server, 'dev-a');
      const status = { pending: 3, uploaded: 17, failed: 1, lastSyncAt: '2026-12-04T10:00:00.000Z' };
      const response = await callApi(server, 'POST', '/api/devices/status', { token: device.token, body: status });
      assert.equal(response.status, 200);

      const devices = listDevicesResponseSchema.parse((await callApi(server, 'GET', '/api/devices')).body).devices;
      const listed = devices.find((candidate) => candidate.id === device.id);
      assert.deepEqual({ ...listed?.status, reportedAt: undefined }, { ...status, reportedAt: undefined });
      assert.equal(typeof listed?.status?.reportedAt, 'string');
    });

    test('invalid status report is rejected', async () => {
      const device = await createDevice(server, 'dev-a');
      const bad = [
        { pending: -1, uploaded: 0, failed: 0, lastSyncAt: null },
        { pending: 1.5, uploaded: 0, failed: 0, lastSyncAt: null },
        { pending: 0, uploaded: '3', failed: 0, lastSyncAt: null },
        { pending: 0, uploaded: 0, failed: 0, lastSyncAt: 'yesterday' },
        { pending: 0, uploaded: 0, failed: 2_000_000, lastSyncAt: null },
        { pending: 0, uploaded: 0, failed: 0 },
      ];
      for (const body of bad) {
        const response = await callApi(server, 'POST', '/api/devices/status', { token: device.token, body });
        assert.equal(response.status, 400, JSON.stringify(body));
        assert.equal(errorCode(response.body), 'INVALID_BODY', JSON.stringify(body));
      }
    });

    test('request-upload answer keeps spec shape for device', async () => {
      const device = await createDevice(server, 'dev-a');
      const response = await callApi(server, 'POST', '/api/cloud-backups/request-upload', {
        token: device.token,
        body: { storeId: 'dev-a', fileName: 'a.zip', sha256: 'ef'.repeat(32), sizeBytes: 5 },
      });
      assert.equal(response.status, 200);
      requestUploadNewSchema.parse(response.body);
      assert.deepEqual(Object.keys(Object(response.body)).sort(), ['backupId', 'expiresIn', 'objectKey', 'uploadUrl']);
    });
  });
}
