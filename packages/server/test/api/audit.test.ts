import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { AUDIT_PAGE_DEFAULT_LIMIT, errorBodySchema, listAuditResponseSchema, type AuditEventRecord } from '@cloud-backup-sync/protocol';
import { openDatabase, type DatabaseHandle } from '../../src/db/database.ts';
import { createSuperadmin } from '../../src/index.ts';
import { insertAuditEvents, type AuditEvent } from '../../src/repositories/audit-repository.ts';
import { hashToken } from '../../src/services/auth-service.ts';
import { callApi, createDevice, createStore, uploadBackup } from '../helpers/http.ts';
import { startTestServer, type TestDatabaseKind, type TestServer } from '../helpers/start-test-server.ts';

const STORE_ID = 'audit-store';

/** Events inserted directly for the pagination tests, all with target `backup`/PAGED_TARGET. */
const PAGED_TARGET = 'paged-target';
const PAGED_COUNT = 250;
/** Events per shared timestamp, so that page boundaries fall inside runs of equal `at`. */
const EVENTS_PER_TIMESTAMP = 7;

for (const database of ['sqlite', 'postgres'] satisfies TestDatabaseKind[]) {
  describe(`audit log on ${database}`, () => {
    let server: TestServer;
    let handle: DatabaseHandle;
    let superadminId: string;

    before(async () => {
      server = await startTestServer({ database });
      handle = openDatabase(server.config.database);
      await createStore(server, STORE_ID);
      const superadmin = await handle.db.selectFrom('users').select('id').where('email', '=', 'superadmin@example.com').executeTakeFirstOrThrow();
      superadminId = superadmin.id;
    });
    after(async () => {
      await handle.db.destroy();
      await server.close();
    });

    /** Calls GET /api/audit with `query` and returns the page, validated against the protocol's strict schema. */
    async function listAudit(query: Record<string, string> = {}, token?: string) {
      const response = await callApi(server, 'GET', `/api/audit?${new URLSearchParams(query).toString()}`, { token });
      assert.equal(response.status, 200, JSON.stringify(response.body));
      return listAuditResponseSchema.strict().parse(response.body);
    }

    /** Returns the events of one target through the API, newest first. */
    async function eventsOf(targetType: string, targetId: string): Promise<AuditEventRecord[]> {
      return (await listAudit({ targetType, targetId, limit: '500' })).events;
    }

    async function tokenIdOf(token: string): Promise<string> {
      const row = await handle.db.selectFrom('api_tokens').select('id').where('token_hash', '=', hashToken(token)).executeTakeFirstOrThrow();
      return row.id;
    }

    test('download request is recorded', async () => {
      const backupId = await uploadBackup(server, STORE_ID, randomBytes(64), 'descarga.zip');
      assert.deepEqual(await eventsOf('backup', backupId), []);

      const response = await callApi(server, 'POST', '/api/cloud-backups/request-download', { body: { backupId } });
      assert.equal(response.status, 200);

      const events = await eventsOf('backup', backupId);
      assert.equal(events.length, 1);
      const [event] = events;
      assert.equal(event?.action, 'backup.download_requested');
      assert.equal(event?.actor, `user:${superadminId}`);
      assert.equal(event?.targetType, 'backup');
      assert.equal(event?.targetId, backupId);
      assert.equal(event?.sourceAddress, '127.0.0.1');
      assert.equal(event?.details?.['storeId'], STORE_ID);
      assert.equal(event?.details?.['fileName'], 'descarga.zip');
    });

    test('download of unavailable backup is not recorded', async () => {
      const response = await callApi(server, 'POST', '/api/cloud-backups/request-download', { body: { backupId: 'absent-backup' } });
      assert.equal(response.status, 404);
      assert.deepEqual(await eventsOf('backup', 'absent-backup'), []);
    });

    test('superadmin token creation is recorded', async () => {
      const first = await createSuperadmin(server.config, 'auditor@example.com');
      const second = await createSuperadmin(server.config, 'auditor@example.com');

      const events = await eventsOf('user', first.userId);
      assert.deepEqual(
        events.map((event) => event.action),
        ['token.created', 'token.created'],
      );
      for (const event of events) {
        assert.equal(event.actor, 'cli');
        assert.equal(event.targetType, 'user');
        assert.equal(event.targetId, first.userId);
        assert.equal(event.sourceAddress, null);
        assert.equal(event.details?.['email'], 'auditor@example.com');
      }
      const tokenIds = events.map((event) => event.details?.['tokenId']).sort();
      assert.deepEqual(tokenIds, [await tokenIdOf(first.token), await tokenIdOf(second.token)].sort());
      assert.deepEqual(events.map((event) => event.details?.['userCreated']).sort(), [false, true]);

      const text = JSON.stringify(events);
      for (const token of [first.token, second.token]) {
        assert.ok(!text.includes(token), 'the audit events must not contain the token');
        assert.ok(!text.includes(hashToken(token)), 'the audit events must not contain the token hash');
      }
    });

    test('first token use is a sign-in', async () => {
      const { userId, token } = await createSuperadmin(server.config, 'first-use@example.com');
      const tokenId = await tokenIdOf(token);
      assert.deepEqual(await eventsOf('token', tokenId), []);

      assert.equal((await callApi(server, 'GET', '/api/stores', { token })).status, 200);
      assert.equal((await callApi(server, 'GET', '/api/stores', { token })).status, 200);

      const events = await eventsOf('token', tokenId);
      assert.equal(events.length, 1, JSON.stringify(events));
      const [event] = events;
      assert.equal(event?.action, 'auth.sign_in');
      assert.equal(event?.actor, `user:${userId}`);
      assert.equal(event?.targetId, tokenId);
      assert.equal(event?.sourceAddress, '127.0.0.1');
      assert.equal(event?.details, null);
    });

    test('use after an idle hour is a sign-in', async () => {
      const { token } = await createSuperadmin(server.config, 'idle@example.com');
      const tokenId = await tokenIdOf(token);
      assert.equal((await callApi(server, 'GET', '/api/stores', { token })).status, 200);

      // Last use 30 minutes ago: still the same stretch of use.
      const halfHourAgo = new Date(Date.now() - 30 * 60 * 1000).toISOString();
      await handle.db.updateTable('api_tokens').set({ last_used_at: halfHourAgo }).where('id', '=', tokenId).execute();
      assert.equal((await callApi(server, 'GET', '/api/stores', { token })).status, 200);
      assert.equal((await eventsOf('token', tokenId)).length, 1);

      // Last use two hours ago: the next use signs in again.
      const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000).toISOString();
      await handle.db.updateTable('api_tokens').set({ last_used_at: twoHoursAgo }).where('id', '=', tokenId).execute();
      assert.equal((await callApi(server, 'GET', '/api/stores', { token })).status, 200);
      assert.equal((await callApi(server, 'GET', '/api/stores', { token })).status, 200);

      const events = await eventsOf('token', tokenId);
      assert.deepEqual(
        events.map((event) => event.action),
        ['auth.sign_in', 'auth.sign_in'],
      );
    });

    test('concurrent first uses sign in once', async () => {
      const { token } = await createSuperadmin(server.config, 'concurrent@example.com');
      const responses = await Promise.all(Array.from({ length: 8 }, () => callApi(server, 'GET', '/api/stores', { token })));
      assert.deepEqual(
        responses.map((response) => response.status),
        Array.from({ length: 8 }, () => 200),
      );
      assert.equal((await eventsOf('token', await tokenIdOf(token))).length, 1);
    });

    test('device sign-in is recorded', async () => {
      const device = await createDevice(server, STORE_ID, 'Caja auditoría');
      const status = { pending: 0, uploaded: 1, failed: 0, lastSyncAt: null };
      assert.equal((await callApi(server, 'POST', '/api/devices/status', { token: device.token, body: status })).status, 200);
      assert.equal((await callApi(server, 'POST', '/api/devices/status', { token: device.token, body: status })).status, 200);

      const signIns = (await eventsOf('device', device.id)).filter((event) => event.action === 'auth.sign_in');
      assert.equal(signIns.length, 1);
      assert.equal(signIns[0]?.actor, `device:${device.id}`);
      assert.equal(signIns[0]?.targetType, 'device');
      assert.equal(signIns[0]?.sourceAddress, '127.0.0.1');
      assert.ok(!JSON.stringify(signIns).includes(device.token), 'the audit event must not contain the token');
    });

    test('rejected token is not a sign-in', async () => {
      const device = await createDevice(server, STORE_ID, 'Caja revocada');
      assert.equal((await callApi(server, 'DELETE', `/api/devices/${device.id}`)).status, 200);

      const response = await callApi(server, 'POST', '/api/devices/status', {
        token: device.token,
        body: { pending: 0, uploaded: 0, failed: 0, lastSyncAt: null },
      });
      assert.equal(response.status, 401);
      const actions = (await eventsOf('device', device.id)).map((event) => event.action).sort();
      assert.deepEqual(actions, ['device.created', 'device.revoked']);
    });

    test('deletion is listed with its user', async () => {
      const backupId = await uploadBackup(server, STORE_ID, randomBytes(64), 'borrar.zip');
      assert.equal((await callApi(server, 'DELETE', `/api/cloud-backups/${backupId}`)).status, 200);

      const events = await eventsOf('backup', backupId);
      assert.equal(events.length, 1);
      assert.equal(events[0]?.action, 'backup.deleted');
      assert.equal(events[0]?.actor, `user:${superadminId}`);
      assert.equal(events[0]?.sourceAddress, '127.0.0.1');
    });

    test('device token gets FORBIDDEN', async () => {
      const device = await createDevice(server, STORE_ID, 'Caja curiosa');
      const response = await callApi(server, 'GET', '/api/audit', { token: device.token });
      assert.equal(response.status, 403);
      assert.equal(errorBodySchema.parse(response.body).error.code, 'FORBIDDEN');
    });

    test('missing token is UNAUTHENTICATED', async () => {
      const response = await callApi(server, 'GET', '/api/audit', { token: null });
      assert.equal(response.status, 401);
      assert.equal(errorBodySchema.parse(response.body).error.code, 'UNAUTHENTICATED');
    });

    describe('pagination', () => {
      /** Ids of the paged events in the order the API must return them: `at` then `id`, both descending. */
      let expectedOrder: string[];

      before(async () => {
        const base = Date.parse('2026-01-01T00:00:00.000Z');
        const events: AuditEvent[] = Array.from({ length: PAGED_COUNT }, (_, index) => ({
          at: new Date(base + Math.floor(index / EVENTS_PER_TIMESTAMP) * 1000).toISOString(),
          action: index % 2 === 0 ? 'backup.deleted' : 'backup.download_requested',
          actor: 'user:paging',
          targetType: 'backup',
          targetId: PAGED_TARGET,
          details: { index },
        }));
        await insertAuditEvents(handle.db, events);

        const rows = await handle.db.selectFrom('audit_events').select(['id', 'at']).where('target_id', '=', PAGED_TARGET).execute();
        expectedOrder = rows
          .sort((a, b) => (a.at === b.at ? compareText(b.id, a.id) : compareText(b.at, a.at)))
          .map((row) => row.id);
      });

      /** Follows nextCursor from the first page to the last and returns every page. */
      async function walkPages(query: Record<string, string>) {
        const pages = [];
        let cursor: string | null = null;
        do {
          const page = await listAudit(cursor === null ? query : { ...query, before: cursor });
          pages.push(page);
          cursor = page.nextCursor;
        } while (cursor !== null && pages.length <= PAGED_COUNT);
        return pages;
      }

      test('pages cover every event once', async () => {
        const pages = await walkPages({ targetId: PAGED_TARGET, limit: '40' });
        assert.deepEqual(
          pages.map((page) => page.events.length),
          [40, 40, 40, 40, 40, 40, 10],
        );
        const ids = pages.flatMap((page) => page.events.map((event) => event.id));
        assert.equal(new Set(ids).size, ids.length, 'no event appears twice');
        assert.deepEqual(ids, expectedOrder);
      });

      test('exact last page has null cursor', async () => {
        const pages = await walkPages({ targetId: PAGED_TARGET, limit: '50' });
        assert.deepEqual(
          pages.map((page) => page.events.length),
          [50, 50, 50, 50, 50],
        );
        assert.equal(pages.at(-1)?.nextCursor, null);
        assert.deepEqual(
          pages.flatMap((page) => page.events.map((event) => event.id)),
          expectedOrder,
        );
      });

      test('limit of one walks every event', async () => {
        const pages = await walkPages({ targetId: PAGED_TARGET, limit: '1' });
        assert.equal(pages.length, PAGED_COUNT);
        assert.deepEqual(
          pages.flatMap((page) => page.events.map((event) => event.id)),
          expectedOrder,
        );
      });

      test('newer events do not shift later pages', async () => {
        const first = await listAudit({ targetId: PAGED_TARGET, limit: '100' });
        assert.ok(first.nextCursor !== null);
        await insertAuditEvents(handle.db, [
          { at: new Date().toISOString(), action: 'backup.deleted', actor: 'user:paging', targetType: 'backup', targetId: PAGED_TARGET },
        ]);
        const rest = await walkPages({ targetId: PAGED_TARGET, limit: '100', before: first.nextCursor });
        const ids = [...first.events, ...rest.flatMap((page) => page.events)].map((event) => event.id);
        assert.deepEqual(ids, expectedOrder);
      });

      test('default limit is 100', async () => {
        const page = await listAudit({ targetId: PAGED_TARGET });
        assert.equal(page.events.length, AUDIT_PAGE_DEFAULT_LIMIT);
        assert.notEqual(page.nextCursor, null);
      });

      test('whole log is newest first', async () => {
        const pages = await walkPages({ limit: '500' });
        const events = pages.flatMap((page) => page.events);
        assert.ok(events.length > PAGED_COUNT);
        for (let index = 1; index < events.length; index += 1) {
          const previous = events[index - 1];
          const current = events[index];
          assert.ok(previous !== undefined);
          assert.ok(current !== undefined);
          assert.ok(previous.at >= current.at, `event ${index} at ${current.at} follows ${previous.at}`);
        }
        assert.equal(new Set(events.map((event) => event.id)).size, events.length);
      });
    });

    describe('filters', () => {
      test('action filter', async () => {
        const { events } = await listAudit({ action: 'token.created', limit: '500' });
        assert.ok(events.length >= 1);
        assert.ok(events.every((event) => event.action === 'token.created'));
        assert.ok(events.some((event) => event.targetId === superadminId), 'the test server\'s own token is listed');
      });

      test('target type filter', async () => {
        const { events } = await listAudit({ targetType: 'device', limit: '500' });
        assert.ok(events.length >= 1);
        assert.ok(events.every((event) => event.targetType === 'device'));
      });

      test('combined filters', async () => {
        const { events } = await listAudit({ action: 'backup.download_requested', targetType: 'backup', targetId: PAGED_TARGET, limit: '500' });
        assert.equal(events.length, PAGED_COUNT / 2);
        assert.ok(events.every((event) => event.action === 'backup.download_requested' && event.targetId === PAGED_TARGET));
      });

      test('no match is an empty page', async () => {
        const page = await listAudit({ targetId: 'nothing-here' });
        assert.deepEqual(page, { events: [], nextCursor: null });
      });
    });

    describe('query validation', () => {
      const validCursor = Buffer.from(`2026-01-01T00:00:00.000Z ${randomUUID()}`).toString('base64url');
      const cases: Array<[string, string, string]> = [
        ['limit', 'zero', 'limit=0'],
        ['limit', 'over 500', 'limit=501'],
        ['limit', 'negative', 'limit=-1'],
        ['limit', 'fraction', 'limit=1.5'],
        ['limit', 'exponent', 'limit=1e2'],
        ['limit', 'leading zeros', 'limit=007'],
        ['limit', 'word', 'limit=ten'],
        ['limit', 'empty', 'limit='],
        ['limit', 'leading space', 'limit=%201'],
        ['limit', '400 digits', `limit=${'9'.repeat(400)}`],
        ['limit', 'repeated', 'limit=10&limit=20'],
        ['before', 'empty', 'before='],
        ['before', 'space', 'before=not%20a%20cursor'],
        ['before', 'short', 'before=abc'],
        ['before', 'timestamp only', `before=${Buffer.from('2026-01-01T00:00:00.000Z').toString('base64url')}`],
        ['before', 'bad timestamp', `before=${Buffer.from(`yesterday ${randomUUID()}`).toString('base64url')}`],
        ['before', 'bad id', `before=${Buffer.from('2026-01-01T00:00:00.000Z ../x').toString('base64url')}`],
        // Node's decoder ignores "=" padding, so a padded cursor would decode the same: it is rejected instead.
        ['before', 'padded', `before=${validCursor}%3D`],
        ['before', '300 characters', `before=${'c'.repeat(300)}`],
        ['before', 'repeated', `before=${validCursor}&before=${validCursor}`],
        ['action', 'unknown', 'action=backup.exploded'],
        ['action', 'empty', 'action='],
        ['targetType', 'unknown', 'targetType=store'],
        ['targetId', 'path', 'targetId=..%2Fx'],
        ['targetId', '65 characters', `targetId=${'t'.repeat(65)}`],
      ];

      for (const [parameter, label, query] of cases) {
        test(`${parameter} ${label} is INVALID_QUERY`, async () => {
          const response = await callApi(server, 'GET', `/api/audit?${query}`, { headers: { 'accept-language': 'en' } });
          assert.equal(response.status, 400, JSON.stringify(response.body));
          const { error } = errorBodySchema.parse(response.body);
          assert.equal(error.code, 'INVALID_QUERY');
          assert.ok(error.message.includes(`"${parameter}"`), `message names ${parameter}: ${error.message}`);
        });
      }

      test('well-formed unknown cursor is accepted', async () => {
        const page = await listAudit({ before: validCursor, targetId: 'nothing-here' });
        assert.deepEqual(page, { events: [], nextCursor: null });
      });
    });
  });
}

/** Compares by UTF-16 code units, which for the ASCII ids and timestamps here is also byte order. */
function compareText(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}
