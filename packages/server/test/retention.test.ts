import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { errorBodySchema, requestUploadNewSchema, retentionRunResponseSchema } from '@cloud-backup-sync/protocol';
import pg from 'pg';
import { z } from 'zod';
import { openDatabase, type Database, type DatabaseHandle } from '../src/db/database.ts';
import type { BackupStatus } from '../src/db/schema.ts';
import { createLogger, runRetention } from '../src/index.ts';
import { createStorageDriver } from '../src/storage/create-storage-driver.ts';
import type { StorageDriver } from '../src/storage/storage-driver.ts';
import { callApi, createStore, listStoredObjects, sha256Hex, uploadBackup } from './helpers/http.ts';
import { startTestServer, type TestDatabaseKind, type TestServer, type TestStorageKind } from './helpers/start-test-server.ts';

const CRON_SECRET = 'retention-secret-for-tests-0123456789abcdef';
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

const dryRunResponseSchema = retentionRunResponseSchema
  .extend({
    wouldDelete: z.array(
      z.object({ id: z.string(), storeId: z.string(), fileName: z.string(), uploadedAt: z.string().nullable(), rule: z.enum(['age', 'count']) }).strict(),
    ),
  })
  .strict();

type RunResponse = z.infer<typeof retentionRunResponseSchema>;

// Rules of every server below: 30 days, at most 5 per store, at least 2 kept.
const RETENTION_ENV = { CRON_SECRET, BACKUP_RETENTION_DAYS: '30', BACKUP_MAX_COUNT: '5', BACKUP_MIN_KEEP: '2', RETENTION_SCHEDULE: 'off' };

const SETUPS: ReadonlyArray<{ database: TestDatabaseKind; storage: TestStorageKind }> = [
  { database: 'sqlite', storage: 'filesystem' },
  { database: 'postgres', storage: 's3' },
];

for (const setup of SETUPS) {
  describe(`retention on ${setup.database} with ${setup.storage}`, () => {
    let server: TestServer;
    let handle: DatabaseHandle;
    let db: Database;
    let storage: StorageDriver;

    before(async () => {
      // en-US ordering differs from byte ordering ('tie-a' < 'tie-B'), which the tie test relies on.
      server = await startTestServer({ ...setup, env: RETENTION_ENV, pgIcuLocale: 'en-US' });
      handle = openDatabase(server.config.database);
      db = handle.db;
      storage = createStorageDriver(server.config, () => server.url);
      await storage.ensureReady();
    });
    after(async () => {
      await db.destroy();
      await server.close();
    });

    async function backdate(backupId: string, uploadedAt: Date): Promise<void> {
      await db.updateTable('cloud_backups').set({ uploaded_at: uploadedAt.toISOString() }).where('id', '=', backupId).execute();
    }

    /** Uploads one real backup per age (hours before now) and returns their ids in the same order. */
    async function uploadAged(storeId: string, ageHours: readonly number[]): Promise<string[]> {
      const ids: string[] = [];
      for (const hours of ageHours) {
        const id = await uploadBackup(server, storeId, randomBytes(64), `backup-${hours}h.zip`);
        await backdate(id, new Date(Date.now() - hours * HOUR_MS));
        ids.push(id);
      }
      return ids;
    }

    /** Inserts a row without an object, for states an upload cannot produce directly. */
    async function insertRow(row: { id: string; storeId: string; status: BackupStatus; uploadedAt: Date | null; createdAt?: Date }): Promise<void> {
      const sha256 = sha256Hex(randomBytes(16));
      await db
        .insertInto('cloud_backups')
        .values({
          id: row.id,
          object_key: `stores/${row.storeId}/2026/01/01/${sha256}.zip`,
          file_name: `${row.id}.zip`,
          size_bytes: 10,
          sha256,
          status: row.status,
          store_id: row.storeId,
          uploaded_by_id: null,
          created_at: (row.createdAt ?? row.uploadedAt ?? new Date()).toISOString(),
          uploaded_at: row.uploadedAt?.toISOString() ?? null,
          deleted_at: null,
        })
        .execute();
    }

    async function statuses(ids: readonly string[]): Promise<Record<string, string>> {
      const rows = await db.selectFrom('cloud_backups').select(['id', 'status']).where('id', 'in', [...ids]).execute();
      return Object.fromEntries(rows.map((row) => [row.id, row.status]));
    }

    async function objectKeyOf(id: string): Promise<string> {
      const row = await db.selectFrom('cloud_backups').select('object_key').where('id', '=', id).executeTakeFirstOrThrow();
      return row.object_key;
    }

    async function runOverHttp(query = ''): Promise<RunResponse> {
      const response = await callApi(server, 'POST', `/api/cloud-backups/retention-run${query}`, { token: null, headers: { 'x-cron-secret': CRON_SECRET } });
      assert.equal(response.status, 200, JSON.stringify(response.body));
      return retentionRunResponseSchema.strict().parse(response.body);
    }

    async function countAuditEvents(targetIds: readonly string[]): Promise<number> {
      const row = await db
        .selectFrom('audit_events')
        .select((eb) => eb.fn.countAll<string | number>().as('count'))
        .where('target_id', 'in', [...targetIds])
        .executeTakeFirstOrThrow();
      return Number(row.count);
    }

    test('missing or wrong secret is rejected', async () => {
      const attempts: Array<Record<string, string>> = [{}, { 'x-cron-secret': 'wrong' }, { 'x-cron-secret': `${CRON_SECRET}x` }, { 'x-cron-secret': CRON_SECRET.slice(0, -1) }, { 'x-cron-secret': '' }];
      for (const headers of attempts) {
        const response = await callApi(server, 'POST', '/api/cloud-backups/retention-run', { token: null, headers });
        assert.equal(response.status, 401, JSON.stringify(headers));
        assert.equal(errorBodySchema.parse(response.body).error.code, 'INVALID_CRON_SECRET');
      }
    });

    test('invalid dryRun is rejected', async () => {
      for (const query of ['?dryRun=yes', '?dryRun=1', '?dryRun=', '?dryRun=TRUE']) {
        const response = await callApi(server, 'POST', `/api/cloud-backups/retention-run${query}`, { token: null, headers: { 'x-cron-secret': CRON_SECRET } });
        assert.equal(response.status, 400, query);
        assert.equal(errorBodySchema.parse(response.body).error.code, 'INVALID_QUERY', query);
      }
    });

    test('age rule alone', async () => {
      await createStore(server, 'store-age');
      const [fresh1, fresh2, old1, old2] = await uploadAged('store-age', [1, 2, 40 * 24, 50 * 24]);
      assert.ok(fresh1);
      assert.ok(fresh2);
      assert.ok(old1);
      assert.ok(old2);
      const objectsBefore = await listStoredObjects(server);

      const result = await runOverHttp();
      assert.deepEqual(result.details, { byAge: 2, byCount: 0 });
      assert.equal(result.deleted, 2);
      assert.deepEqual(await statuses([fresh1, fresh2, old1, old2]), { [fresh1]: 'AVAILABLE', [fresh2]: 'AVAILABLE', [old1]: 'DELETED', [old2]: 'DELETED' });
      const objectsAfter = await listStoredObjects(server);
      assert.equal(objectsAfter.length, objectsBefore.length - 2);
      assert.ok(!objectsAfter.includes(await objectKeyOf(old1)));
      assert.ok(!objectsAfter.includes(await objectKeyOf(old2)));
    });

    test('count rule alone', async () => {
      await createStore(server, 'store-count');
      const ids = await uploadAged('store-count', [1, 2, 3, 4, 5, 6, 7]);

      const result = await runOverHttp();
      assert.deepEqual(result.details, { byAge: 0, byCount: 2 });
      const after = await statuses(ids);
      assert.deepEqual(ids.map((id) => after[id]), ['AVAILABLE', 'AVAILABLE', 'AVAILABLE', 'AVAILABLE', 'AVAILABLE', 'DELETED', 'DELETED']);
    });

    test('both rules count separately', async () => {
      await createStore(server, 'store-both');
      // Ranks 1-6 are fresh, 7-8 are old: rank 6 goes by count, 7 and 8 by age.
      const ids = await uploadAged('store-both', [1, 2, 3, 4, 5, 6, 40 * 24, 41 * 24]);

      const result = await runOverHttp();
      assert.deepEqual(result.details, { byAge: 2, byCount: 1 });
      assert.equal(result.deleted, 3);
      const after = await statuses(ids);
      assert.deepEqual(ids.map((id) => after[id]), ['AVAILABLE', 'AVAILABLE', 'AVAILABLE', 'AVAILABLE', 'AVAILABLE', 'DELETED', 'DELETED', 'DELETED']);

      const events = await db.selectFrom('audit_events').select(['target_id', 'actor', 'action']).where('target_id', 'in', ids).execute();
      const eventsByTarget = Object.fromEntries(events.map((row) => [row.target_id, `${row.action} ${row.actor}`]));
      assert.deepEqual(eventsByTarget, {
        [ids[5] ?? '']: 'backup.deleted retention:count',
        [ids[6] ?? '']: 'backup.deleted retention:age',
        [ids[7] ?? '']: 'backup.deleted retention:age',
      });
    });

    test('floor keeps newest of only old backups', async () => {
      // A store that stopped backing up 40 days ago keeps its newest BACKUP_MIN_KEEP.
      await createStore(server, 'store-stopped');
      const ids = await uploadAged('store-stopped', [40 * 24, 41 * 24, 42 * 24, 43 * 24]);

      const result = await runOverHttp();
      assert.deepEqual(result.details, { byAge: 2, byCount: 0 });
      const after = await statuses(ids);
      assert.deepEqual(ids.map((id) => after[id]), ['AVAILABLE', 'AVAILABLE', 'DELETED', 'DELETED']);

      // A run a year later would still keep the floor.
      const later = await runRetention(server.config, { now: new Date(Date.now() + 365 * DAY_MS), dryRun: true });
      assert.deepEqual(later.wouldDelete?.filter((backup) => backup.storeId === 'store-stopped'), []);
    });

    test('floor counts only AVAILABLE backups', async () => {
      await createStore(server, 'store-floor-status');
      const old = await uploadAged('store-floor-status', [40 * 24, 41 * 24, 42 * 24]);
      // Newer UPLOADING and FAILED rows must neither fill the floor nor be deleted by the rules.
      await insertRow({ id: 'floor-uploading', storeId: 'store-floor-status', status: 'UPLOADING', uploadedAt: null, createdAt: new Date(Date.now() - 60_000) });
      await insertRow({ id: 'floor-failed', storeId: 'store-floor-status', status: 'FAILED', uploadedAt: null, createdAt: new Date(Date.now() - 120_000) });

      const result = await runOverHttp();
      assert.deepEqual(result.details, { byAge: 1, byCount: 0 });
      const after = await statuses([...old, 'floor-uploading', 'floor-failed']);
      assert.deepEqual(
        [...old, 'floor-uploading', 'floor-failed'].map((id) => after[id]),
        ['AVAILABLE', 'AVAILABLE', 'DELETED', 'UPLOADING', 'FAILED'],
      );
    });

    test('store without backups is left alone', async () => {
      await createStore(server, 'store-empty');
      const result = await runOverHttp();
      assert.equal(result.deleted, 0);
      const rows = await db.selectFrom('cloud_backups').select('id').where('store_id', '=', 'store-empty').execute();
      assert.deepEqual(rows, []);
    });

    test('timestamp ties are broken by id bytes', async () => {
      await createStore(server, 'store-tie');
      const sameTime = new Date(Date.now() - HOUR_MS);
      // Byte order: tie-B < tie-D < tie-F < tie-a < … ; en-US order would put tie-a first.
      const ids = ['tie-a', 'tie-B', 'tie-c', 'tie-D', 'tie-e', 'tie-F', 'tie-g'];
      for (const id of ids) await insertRow({ id, storeId: 'store-tie', status: 'AVAILABLE', uploadedAt: sameTime });

      const dryRun = dryRunResponseSchema.parse((await callApi(server, 'POST', '/api/cloud-backups/retention-run?dryRun=true', { token: null, headers: { 'x-cron-secret': CRON_SECRET } })).body);
      assert.deepEqual(dryRun.wouldDelete.map((backup) => backup.id), ['tie-D', 'tie-B']);

      const result = await runOverHttp();
      assert.deepEqual(result.details, { byAge: 0, byCount: 2 });
      const after = await statuses(ids);
      assert.deepEqual(ids.filter((id) => after[id] === 'DELETED').sort(), ['tie-B', 'tie-D']);
    });

    test('dry run changes nothing', async () => {
      await createStore(server, 'store-dry');
      const ids = await uploadAged('store-dry', [1, 2, 3, 4, 5, 6, 40 * 24]);
      const rowsBefore = await db.selectFrom('cloud_backups').selectAll().orderBy('id').execute();
      const objectsBefore = await listStoredObjects(server);
      const auditBefore = await db.selectFrom('audit_events').selectAll().orderBy('id').execute();

      const response = await callApi(server, 'POST', '/api/cloud-backups/retention-run?dryRun=true', { token: null, headers: { 'x-cron-secret': CRON_SECRET } });
      assert.equal(response.status, 200);
      const dryRun = dryRunResponseSchema.parse(response.body);
      assert.deepEqual(dryRun.details, { byAge: 1, byCount: 1 });
      assert.deepEqual(
        dryRun.wouldDelete.map((backup) => [backup.id, backup.storeId, backup.fileName, backup.rule]),
        [
          [ids[5], 'store-dry', 'backup-6h.zip', 'count'],
          [ids[6], 'store-dry', `backup-${40 * 24}h.zip`, 'age'],
        ],
      );

      assert.deepEqual(await db.selectFrom('cloud_backups').selectAll().orderBy('id').execute(), rowsBefore);
      assert.deepEqual(await listStoredObjects(server), objectsBefore);
      assert.deepEqual(await db.selectFrom('audit_events').selectAll().orderBy('id').execute(), auditBefore);

      const real = await runOverHttp('?dryRun=false');
      assert.equal(real.deleted, dryRun.deleted);
      assert.equal(real.remaining, dryRun.remaining);
      const after = await statuses(ids);
      assert.deepEqual(dryRun.wouldDelete.map((backup) => after[backup.id]), ['DELETED', 'DELETED']);
    });

    test('run finishes deletions of interrupted run', async () => {
      await createStore(server, 'store-crash');
      const ids = await uploadAged('store-crash', [1, 2, 40 * 24, 41 * 24]);
      const [, , objectGone, objectLeft] = ids;
      assert.ok(objectGone);
      assert.ok(objectLeft);
      const markedAt = new Date(Date.now() - 60_000).toISOString();

      // An interrupted run marked both rows; it had deleted one object through the real driver.
      await db.updateTable('cloud_backups').set({ deleting_at: markedAt, deleted_by_rule: 'age' }).where('id', 'in', [objectGone, objectLeft]).execute();
      const goneKey = await objectKeyOf(objectGone);
      const leftKey = await objectKeyOf(objectLeft);
      assert.deepEqual(await storage.deleteObjects([goneKey]), { failed: [] });
      assert.equal(await storage.stat(goneKey), null);
      assert.notEqual(await storage.stat(leftKey), null);

      const result = await runOverHttp();
      assert.deepEqual(result.details, { byAge: 2, byCount: 0 });
      assert.deepEqual(await statuses([objectGone, objectLeft]), { [objectGone]: 'DELETED', [objectLeft]: 'DELETED' });
      assert.equal(await storage.stat(leftKey), null);
      assert.equal(await countAuditEvents([objectGone, objectLeft]), 2);

      const again = await runOverHttp();
      assert.equal(again.deleted, 0);
      assert.equal(await countAuditEvents([objectGone, objectLeft]), 2);
    });

    test('remaining counts AVAILABLE backups', async () => {
      const result = await runOverHttp();
      const row = await db
        .selectFrom('cloud_backups')
        .select((eb) => eb.fn.countAll<string | number>().as('count'))
        .where('status', '=', 'AVAILABLE')
        .executeTakeFirstOrThrow();
      assert.equal(result.remaining, Number(row.count));
    });

    test('stale uploads become FAILED', async () => {
      await createStore(server, 'store-stale');
      const bytes = randomBytes(128);
      const sha256 = sha256Hex(bytes);
      const requested = await callApi(server, 'POST', '/api/cloud-backups/request-upload', {
        body: { storeId: 'store-stale', fileName: 'stale.zip', sha256, sizeBytes: bytes.length },
      });
      const upload = requestUploadNewSchema.parse(requested.body);
      assert.equal((await fetch(upload.uploadUrl, { method: 'PUT', body: bytes })).status, 200);
      // URL issued 600 s + 1 h + 1 min ago, never confirmed.
      await db
        .updateTable('cloud_backups')
        .set({ upload_requested_at: new Date(Date.now() - (600 + 3600 + 60) * 1000).toISOString() })
        .where('id', '=', upload.backupId)
        .execute();
      await insertRow({ id: 'stale-recent', storeId: 'store-stale', status: 'UPLOADING', uploadedAt: null, createdAt: new Date(Date.now() - 30 * 60_000) });

      const result = await runOverHttp();
      assert.equal(result.deleted, 0);
      assert.deepEqual(await statuses([upload.backupId, 'stale-recent']), { [upload.backupId]: 'FAILED', 'stale-recent': 'UPLOADING' });
      assert.equal(await storage.stat(upload.objectKey), null);
      const row = await db.selectFrom('cloud_backups').select(['deleting_at', 'deleted_by_rule']).where('id', '=', upload.backupId).executeTakeFirstOrThrow();
      assert.deepEqual(row, { deleting_at: null, deleted_by_rule: 'stale-upload' });
      const audit = await db.selectFrom('audit_events').select(['action', 'actor']).where('target_id', '=', upload.backupId).execute();
      assert.deepEqual(audit, [{ action: 'backup.upload-expired', actor: 'retention:stale-upload' }]);

      // A late confirmation cannot revive the row; a new request restarts it.
      const confirm = await callApi(server, 'POST', '/api/cloud-backups/confirm-upload', { body: { backupId: upload.backupId, sha256 } });
      assert.equal(confirm.status, 409);
      const again = requestUploadNewSchema.parse(
        (await callApi(server, 'POST', '/api/cloud-backups/request-upload', { body: { storeId: 'store-stale', fileName: 'stale.zip', sha256, sizeBytes: bytes.length } })).body,
      );
      assert.equal(again.backupId, upload.backupId);
      assert.equal((await fetch(again.uploadUrl, { method: 'PUT', body: bytes })).status, 200);
      const confirmed = await callApi(server, 'POST', '/api/cloud-backups/confirm-upload', { body: { backupId: upload.backupId, sha256 } });
      assert.equal(confirmed.status, 200);
      assert.deepEqual(await runOverHttp().then((run) => run.details), { byAge: 0, byCount: 0 });
      assert.notEqual(await storage.stat(upload.objectKey), null);
    });

    test('second run while lock held gets 409', async () => {
      await createStore(server, 'store-locked');
      const ids = await uploadAged('store-locked', [1, 2, 40 * 24]);

      const release = await holdRetentionLock(server, handle);
      try {
        const response = await callApi(server, 'POST', '/api/cloud-backups/retention-run', { token: null, headers: { 'x-cron-secret': CRON_SECRET } });
        assert.equal(response.status, 409);
        assert.equal(errorBodySchema.parse(response.body).error.code, 'RETENTION_RUNNING');
        await assert.rejects(runRetention(server.config), (error: unknown) => error instanceof Error && 'code' in error && error.code === 'RETENTION_RUNNING');
        assert.equal((await statuses(ids))[ids[2] ?? ''], 'AVAILABLE');
      } finally {
        await release();
      }

      const result = await runOverHttp();
      assert.equal(result.details.byAge, 1);
    });

    test('concurrent runs never double count', async () => {
      await createStore(server, 'store-race');
      const ids = await uploadAged('store-race', [1, 2, 3, 4, 5, 6, 7, 8, 40 * 24, 41 * 24]);

      const responses = await Promise.all(
        [0, 1].map(() => callApi(server, 'POST', '/api/cloud-backups/retention-run', { token: null, headers: { 'x-cron-secret': CRON_SECRET } })),
      );
      const succeeded = responses.filter((response) => response.status === 200).map((response) => retentionRunResponseSchema.parse(response.body));
      const rejected = responses.filter((response) => response.status === 409);
      assert.equal(succeeded.length + rejected.length, 2, JSON.stringify(responses.map((response) => response.body)));
      assert.ok(succeeded.length >= 1);
      for (const response of rejected) assert.equal(errorBodySchema.parse(response.body).error.code, 'RETENTION_RUNNING');

      // Whichever way the race went, the five deletions are counted once in total.
      const total = succeeded.reduce((sum, run) => ({ byAge: sum.byAge + run.details.byAge, byCount: sum.byCount + run.details.byCount }), { byAge: 0, byCount: 0 });
      assert.deepEqual(total, { byAge: 2, byCount: 3 });
      assert.equal(await countAuditEvents(ids), 5);
    });

    test('large run crosses page limits', async () => {
      // 600 stores exceed one page of 500 stores; 12,000 rows in one store
      // exceed one selection of 10,000 rows and many batches of 1000.
      const now = Date.now();
      const stores = Array.from({ length: 600 }, (_, index) => `bulk-${String(index).padStart(4, '0')}`);
      for (let start = 0; start < stores.length; start += 200) {
        await db
          .insertInto('stores')
          .values(stores.slice(start, start + 200).map((id) => ({ id, name: id, created_at: new Date(now).toISOString() })))
          .execute();
      }
      const rows: Array<{ id: string; storeId: string; ageMs: number }> = [];
      for (const storeId of stores) {
        rows.push({ id: `${storeId}-fresh-1`, storeId, ageMs: HOUR_MS }, { id: `${storeId}-fresh-2`, storeId, ageMs: 2 * HOUR_MS }, { id: `${storeId}-old`, storeId, ageMs: 40 * DAY_MS });
      }
      for (let index = 0; index < 12_000; index += 1) {
        rows.push({ id: `bulk-0000-many-${String(index).padStart(5, '0')}`, storeId: 'bulk-0000', ageMs: (index + 10) * 60_000 });
      }
      for (let start = 0; start < rows.length; start += 500) {
        await db
          .insertInto('cloud_backups')
          .values(
            rows.slice(start, start + 500).map((row) => {
              const at = new Date(now - row.ageMs).toISOString();
              const sha256 = sha256Hex(Buffer.from(row.id));
              return {
                id: row.id,
                object_key: `stores/${row.storeId}/2026/01/01/${sha256}.zip`,
                file_name: `${row.id}.zip`,
                size_bytes: 10,
                sha256,
                status: 'AVAILABLE' as const,
                store_id: row.storeId,
                uploaded_by_id: null,
                created_at: at,
                uploaded_at: at,
                deleted_at: null,
              };
            }),
          )
          .execute();
      }

      const result = await runRetention(server.config, { now: new Date(now) });
      // Each store loses its 40-day-old backup by age, and bulk-0000 also
      // loses all but the newest 5 of its 12,002 fresh backups by count.
      assert.deepEqual(result.details, { byAge: 600, byCount: 12_002 - 5 });

      const kept = await db
        .selectFrom('cloud_backups')
        .select('id')
        .where('store_id', '=', 'bulk-0000')
        .where('status', '=', 'AVAILABLE')
        .orderBy('id')
        .execute();
      assert.deepEqual(kept.map((row) => row.id), [0, 1, 2, 3, 4].map((index) => `bulk-0000-many-${String(index).padStart(5, '0')}`));
      const survivors = await db
        .selectFrom('cloud_backups')
        .select((eb) => eb.fn.countAll<string | number>().as('count'))
        .where('store_id', 'in', stores.slice(1))
        .where('status', '=', 'AVAILABLE')
        .executeTakeFirstOrThrow();
      assert.equal(Number(survivors.count), 599 * 2);
      const audited = await db
        .selectFrom('audit_events')
        .select((eb) => eb.fn.countAll<string | number>().as('count'))
        .where('target_id', 'like', 'bulk-%')
        .executeTakeFirstOrThrow();
      assert.equal(Number(audited.count), 600 + 12_002 - 5);
    });

    test('user deletion is audited', async () => {
      await createStore(server, 'store-user-delete');
      const [id] = await uploadAged('store-user-delete', [1]);
      assert.ok(id);

      const response = await callApi(server, 'DELETE', `/api/cloud-backups/${id}`);
      assert.equal(response.status, 200);
      const events = await db.selectFrom('audit_events').selectAll().where('target_id', '=', id).execute();
      assert.equal(events.length, 1);
      const [event] = events;
      assert.equal(event?.action, 'backup.deleted');
      assert.match(event?.actor ?? '', /^user:.+/);
      assert.equal(event?.target_type, 'backup');
      assert.equal(event?.source_address, '127.0.0.1');
      assert.equal(JSON.parse(event?.details ?? '{}').storeId, 'store-user-delete');

      // Deleting again is a no-op without a second record.
      assert.equal((await callApi(server, 'DELETE', `/api/cloud-backups/${id}`)).status, 200);
      assert.equal(await countAuditEvents([id]), 1);
    });
  });
}

/**
 * Takes the retention lock the way another server instance would: a
 * PostgreSQL advisory lock on a separate session, or an unexpired SQLite lease.
 */
async function holdRetentionLock(server: TestServer, handle: DatabaseHandle): Promise<() => Promise<void>> {
  const database = server.config.database;
  if (database.kind === 'postgres') {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const locked = await client.query<{ locked: boolean }>(`select pg_try_advisory_lock(hashtext('cloud-backup-sync:retention')) as locked`);
    assert.equal(locked.rows[0]?.locked, true);
    return async () => {
      await client.end();
    };
  }

  await handle.db
    .insertInto('job_leases')
    .values({ name: 'retention', owner: 'other-instance', expires_at: new Date(Date.now() + 60_000).toISOString() })
    .execute();
  return async () => {
    await handle.db.deleteFrom('job_leases').where('owner', '=', 'other-instance').execute();
  };
}

test('expired SQLite lease is taken over', async () => {
  const server = await startTestServer({ database: 'sqlite', env: RETENTION_ENV });
  const handle = openDatabase(server.config.database);
  try {
    await handle.db
      .insertInto('job_leases')
      .values({ name: 'retention', owner: 'crashed-instance', expires_at: new Date(Date.now() - 1000).toISOString() })
      .execute();

    const result = await runRetention(server.config);
    assert.equal(result.deleted, 0);
    const leases = await handle.db.selectFrom('job_leases').selectAll().execute();
    assert.deepEqual(leases, []);
  } finally {
    await handle.db.destroy();
    await server.close();
  }
});

test('run logs its counts and duration', async () => {
  const server = await startTestServer({ database: 'sqlite', env: RETENTION_ENV });
  try {
    await createStore(server, 'logged-store');
    for (let index = 0; index < 3; index += 1) await uploadBackup(server, 'logged-store', randomBytes(100 + index));
    const lines: string[] = [];
    const logger = createLogger('info', { write: (line: string) => void lines.push(line) });

    const result = await runRetention(server.config, { now: new Date(Date.now() + 365 * DAY_MS), logger });

    assert.equal(result.deleted, 1, 'the floor of 2 leaves one of three year-old backups to delete');
    const records = lines.map((line) => z.record(z.string(), z.unknown()).parse(JSON.parse(line)));
    const finished = records.find((record) => record['msg'] === 'retention run finished');
    assert.ok(finished, `no 'retention run finished' record in ${lines.join('')}`);
    assert.equal(finished['deleted'], result.deleted);
    assert.equal(finished['byAge'], result.details.byAge);
    assert.equal(finished['byCount'], result.details.byCount);
    assert.equal(finished['remaining'], result.remaining);
    assert.equal(typeof finished['durationMs'], 'number');
  } finally {
    await server.close();
  }
});

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
