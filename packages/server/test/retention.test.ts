import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { errorBodySchema, listBackupsResponseSchema, retentionRunResponseSchema } from '@cloud-backup-sync/protocol';
import type { Kysely } from 'kysely';
import { runRetention } from '../src/index.ts';
import { openDatabase, type DatabaseHandle } from '../src/db/database.ts';
import { createStorageDriver } from '../src/storage/create-storage-driver.ts';
import type { DatabaseSchema } from '../src/db/schema.ts';
import { callApi, createStore, listStoredObjects, uploadBackup } from './helpers/http.ts';
import { startTestServer, type TestDatabaseKind, type TestServer } from './helpers/start-test-server.ts';

const CRON_SECRET = 'retention-secret-for-tests-0123456789abcdef';
const DAY_MS = 86_400_000;

for (const database of ['sqlite', 'postgres'] satisfies TestDatabaseKind[]) {
  describe(`retention on ${database}`, () => {
    let server: TestServer;
    let handle: DatabaseHandle;
    let db: Kysely<DatabaseSchema>;

    before(async () => {
      server = await startTestServer({
        database,
        storage: database === 'postgres' ? 's3' : 'filesystem',
        env: { CRON_SECRET, BACKUP_RETENTION_DAYS: '30', BACKUP_MAX_COUNT: '3' },
      });
      handle = openDatabase(server.config.database);
      db = handle.db;
    });
    after(async () => {
      await db.destroy();
      await server.close();
    });

    /** Moves a backup's upload time back by `days`, as if uploaded then. */
    async function backdate(backupId: string, uploadedAt: Date): Promise<void> {
      await db.updateTable('cloud_backups').set({ uploaded_at: uploadedAt.toISOString() }).where('id', '=', backupId).execute();
    }

    async function statusOf(backupId: string): Promise<string | undefined> {
      const listed = listBackupsResponseSchema.parse((await callApi(server, 'GET', '/api/cloud-backups')).body);
      return listed.backups.find((backup) => backup.id === backupId)?.status;
    }

    async function runOverHttp(): Promise<ReturnType<typeof retentionRunResponseSchema.parse>> {
      const response = await callApi(server, 'POST', '/api/cloud-backups/retention-run', { token: null, headers: { 'x-cron-secret': CRON_SECRET } });
      assert.equal(response.status, 200, JSON.stringify(response.body));
      return retentionRunResponseSchema.strict().parse(response.body);
    }

    test('wrong or missing secret is rejected', async () => {
      const attempts: Array<Record<string, string>> = [{}, { 'x-cron-secret': 'wrong' }, { 'x-cron-secret': `${CRON_SECRET}x` }, { 'x-cron-secret': '' }];
      for (const headers of attempts) {
        const response = await callApi(server, 'POST', '/api/cloud-backups/retention-run', { token: null, headers });
        assert.equal(response.status, 401, JSON.stringify(headers));
        assert.equal(errorBodySchema.parse(response.body).error.code, 'INVALID_CRON_SECRET');
      }
    });

    test('expires by age then by count', async () => {
      await createStore(server, 'store-age');
      const now = Date.now();
      const ids: string[] = [];
      for (let index = 0; index < 5; index += 1) ids.push(await uploadBackup(server, 'store-age', randomBytes(64)));
      const [old, fresh1, fresh2, fresh3, fresh4] = ids;
      assert.ok(old !== undefined && fresh1 !== undefined && fresh2 !== undefined && fresh3 !== undefined && fresh4 !== undefined);

      // One backup is 31 days old; the other four are 1..4 hours old.
      await backdate(old, new Date(now - 31 * DAY_MS));
      await backdate(fresh1, new Date(now - 4 * 3_600_000));
      await backdate(fresh2, new Date(now - 3 * 3_600_000));
      await backdate(fresh3, new Date(now - 2 * 3_600_000));
      await backdate(fresh4, new Date(now - 1 * 3_600_000));

      const objectsBefore = await listStoredObjects(server);
      const result = await runOverHttp();
      assert.equal(result.success, true);
      assert.deepEqual(result.details, { byAge: 1, byCount: 1 });
      assert.equal(result.deleted, 2);

      assert.equal(await statusOf(old), 'DELETED');
      assert.equal(await statusOf(fresh1), 'DELETED');
      for (const kept of [fresh2, fresh3, fresh4]) assert.equal(await statusOf(kept), 'AVAILABLE');
      assert.equal((await listStoredObjects(server)).length, objectsBefore.length - 2);

      const second = await runOverHttp();
      assert.deepEqual(second.details, { byAge: 0, byCount: 0 });
    });

    test('count ties are broken by id', async () => {
      await createStore(server, 'store-tie');
      const ids: string[] = [];
      for (let index = 0; index < 4; index += 1) ids.push(await uploadBackup(server, 'store-tie', randomBytes(64)));
      const sameTime = new Date(Date.now() - 3_600_000);
      for (const id of ids) await backdate(id, sameTime);

      const result = await runRetention(server.config, { now: new Date() });
      assert.equal(result.details.byCount, 1);

      // With equal upload times the lowest id counts as oldest.
      const lowest = [...ids].sort()[0];
      assert.ok(lowest !== undefined);
      assert.equal(await statusOf(lowest), 'DELETED');
      for (const id of ids.filter((candidate) => candidate !== lowest)) assert.equal(await statusOf(id), 'AVAILABLE');
    });

    test('run after crash finishes deletion', async () => {
      await createStore(server, 'store-crash');
      const backupId = await uploadBackup(server, 'store-crash', randomBytes(64));
      await backdate(backupId, new Date(Date.now() - 40 * DAY_MS));
      const row = await db.selectFrom('cloud_backups').select('object_key').where('id', '=', backupId).executeTakeFirstOrThrow();

      // Simulates a crash after the object was deleted but before the row was marked.
      const storage = createStorageDriver(server.config, () => server.url);
      await storage.ensureReady();
      await storage.deleteObject(row.object_key);
      assert.equal(await statusOf(backupId), 'AVAILABLE');

      const result = await runOverHttp();
      assert.equal(result.details.byAge, 1);
      assert.equal(await statusOf(backupId), 'DELETED');
      assert.ok(!(await listStoredObjects(server)).includes(row.object_key));
    });

    test('remaining counts AVAILABLE backups', async () => {
      const result = await runOverHttp();
      const listed = listBackupsResponseSchema.parse((await callApi(server, 'GET', '/api/cloud-backups')).body);
      assert.equal(result.remaining, listed.backups.filter((backup) => backup.status === 'AVAILABLE').length);
    });
  });
}

test('retention disabled without CRON_SECRET', async () => {
  const server = await startTestServer({ database: 'sqlite' });
  try {
    const response = await callApi(server, 'POST', '/api/cloud-backups/retention-run', { token: null, headers: { 'x-cron-secret': CRON_SECRET } });
    assert.equal(response.status, 503);
    assert.equal(errorBodySchema.parse(response.body).error.code, 'RETENTION_DISABLED');
  } finally {
    await server.close();
  }
});
