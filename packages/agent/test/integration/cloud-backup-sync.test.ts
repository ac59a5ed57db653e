import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { CloudBackupSync } from '../../src/cloud-backup-sync.ts';
import type { CloudSyncProgressEvent } from '../../src/sync-events.ts';
import { makeTempDir, silentLogger, writeZip } from '../helpers.ts';
import { startFixture, stoppedServerUrl, type Fixture } from './server-fixture.ts';

function sha256Of(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

for (const storage of ['filesystem', 's3'] as const) {
  describe(`CloudBackupSync against the real server (${storage} storage)`, () => {
    let fixture: Fixture;
    let dir: string;
    let cleanup: () => Promise<void>;
    let events: CloudSyncProgressEvent[];

    before(async () => {
      fixture = await startFixture(storage);
    });
    after(() => fixture.server.close());

    beforeEach(async () => {
      ({ dir, cleanup } = await makeTempDir());
      events = [];
    });
    afterEach(() => cleanup());

    function makeSync(
      options: {
        storeId?: string;
        apiUrl?: string;
        token?: string;
        backoffDelaysMs?: number[];
        onProgress?: (event: CloudSyncProgressEvent) => void;
      } = {},
    ): CloudBackupSync {
      return new CloudBackupSync({
        backupsDir: dir,
        storeId: options.storeId ?? fixture.storeId,
        apiUrl: options.apiUrl ?? fixture.server.url,
        token: options.token ?? fixture.server.token,
        backoffDelaysMs: options.backoffDelaysMs,
        logger: silentLogger(),
        settleMs: 0,
        onProgress: (event) => {
          events.push(event);
          options.onProgress?.(event);
        },
      });
    }

    const putCount = () => events.filter((event) => event.type === 'uploading' && event.bytesDone === 0).length;

    it('does not bring back a deleted backup', async () => {
      const bytes = await writeZip(path.join(dir, `antiguo-${storage}.zip`), 50_000);
      await makeSync().syncNow();
      const { backups: before } = await fixture.api.listBackups(fixture.storeId);
      const uploaded = before.find((candidate) => candidate.sha256 === sha256Of(bytes));
      assert.equal(uploaded?.status, 'AVAILABLE');
      await fixture.api.deleteBackup(uploaded?.id ?? '');

      // A reinstall: the same old zip in a folder with no state file.
      const { dir: reinstalled, cleanup: cleanupReinstalled } = await makeTempDir();
      try {
        writeFileSync(path.join(reinstalled, `antiguo-${storage}.zip`), bytes);
        events = [];
        const sync = new CloudBackupSync({
          backupsDir: reinstalled,
          storeId: fixture.storeId,
          apiUrl: fixture.server.url,
          token: fixture.server.token,
          logger: silentLogger(),
          settleMs: 0,
          onProgress: (event) => events.push(event),
        });
        await sync.syncNow();

        const state = sync.getState();
        assert.deepEqual(state.pendingBackups, []);
        assert.deepEqual(state.failedBackups, []);
        assert.deepEqual(state.uploadedBackups, [sha256Of(bytes)]);
        assert.equal(putCount(), 0);
      } finally {
        await cleanupReinstalled();
      }

      const { backups: after } = await fixture.api.listBackups(fixture.storeId);
      const row = after.find((candidate) => candidate.sha256 === sha256Of(bytes));
      assert.equal(row?.status, 'DELETED');
      assert.equal(row?.uploadedAt, uploaded?.uploadedAt);
    });

    it('uploads a zip that becomes AVAILABLE', async () => {
      const bytes = await writeZip(path.join(dir, `tienda-${storage}-1.zip`), 200_000);
      const sync = makeSync();
      await sync.syncNow();

      const state = sync.getState();
      assert.deepEqual(state.pendingBackups, []);
      assert.deepEqual(state.failedBackups, []);
      assert.deepEqual(state.uploadedBackups, [sha256Of(bytes)]);
      assert.notEqual(state.lastSyncAt, null);

      const { backups } = await fixture.api.listBackups(fixture.storeId);
      const backup = backups.find((candidate) => candidate.sha256 === sha256Of(bytes));
      assert.equal(backup?.status, 'AVAILABLE');
      assert.equal(backup?.sizeBytes, bytes.length);
      assert.equal(backup?.fileName, `tienda-${storage}-1.zip`);
      assert.equal(putCount(), 1);

      const progress = events.filter((event) => event.type === 'uploading');
      assert.deepEqual(progress.at(-1), {
        type: 'uploading',
        filePath: path.join(dir, `tienda-${storage}-1.zip`),
        sha256: sha256Of(bytes),
        bytesDone: bytes.length,
        bytesTotal: bytes.length,
      });
      assert.ok(events.some((event) => event.type === 'hashing' && event.bytesDone === bytes.length));
    });

    it('uploads nothing on a second pass', async () => {
      await writeZip(path.join(dir, `tienda-${storage}-2.zip`));
      const sync = makeSync();
      await sync.syncNow();
      assert.equal(putCount(), 1);
      const listed = (await fixture.api.listBackups(fixture.storeId)).backups.length;

      await sync.syncNow();
      assert.equal(putCount(), 1);
      assert.equal((await fixture.api.listBackups(fixture.storeId)).backups.length, listed);

      // A fresh agent (a restart) hashes again but learns from the state file that it is uploaded.
      const restarted = makeSync();
      await restarted.syncNow();
      assert.equal(putCount(), 1);
      assert.equal(events.filter((event) => event.type === 'uploaded').length, 1);
    });

    it('finds uploaded backups again after a corrupt state file', async () => {
      const bytes = await writeZip(path.join(dir, `tienda-${storage}-3.zip`));
      await makeSync().syncNow();
      await writeFile(path.join(dir, 'cloud-sync.json'), '{ not json');

      const rebuilt = makeSync();
      assert.deepEqual(rebuilt.getState().uploadedBackups, []);
      const asideNames = (await readdir(dir)).filter((name) => name.startsWith('cloud-sync.json.corrupt-'));
      assert.equal(asideNames.length, 1);
      await rebuilt.syncNow();

      assert.deepEqual(rebuilt.getState().uploadedBackups, [sha256Of(bytes)]);
      assert.equal(putCount(), 1);
      const uploaded = events.filter((event) => event.type === 'uploaded');
      assert.deepEqual(uploaded.map((event) => event.type === 'uploaded' && event.alreadyInCloud), [false, true]);
    });

    it('keeps a backup of a missing store pending until the store exists', async () => {
      const storeId = `late-store-${storage}`;
      const bytes = await writeZip(path.join(dir, `tienda-${storage}-4.zip`));
      const sync = makeSync({ storeId, backoffDelaysMs: [0] });
      await sync.syncNow();

      const state = sync.getState();
      assert.deepEqual(state.failedBackups, []);
      assert.equal(state.pendingBackups.length, 1);
      assert.equal(state.pendingBackups[0]?.sha256, sha256Of(bytes));
      assert.equal(state.pendingBackups[0]?.retries, 1);
      assert.match(state.pendingBackups[0]?.lastError ?? '', /^STORE_NOT_FOUND: /);
      assert.equal(putCount(), 0);

      await fixture.api.createStore('Tienda nueva', storeId);
      await sync.syncNow();
      assert.deepEqual(sync.getState().pendingBackups, []);
      assert.deepEqual(sync.getState().uploadedBackups, [sha256Of(bytes)]);
      assert.equal(putCount(), 1);
    });

    it('keeps a backup pending while the token is wrong', async () => {
      const bytes = await writeZip(path.join(dir, `tienda-${storage}-7.zip`));
      const sync = makeSync({ token: 'not-a-real-token', backoffDelaysMs: [0] });
      await sync.syncNow();
      await sync.syncNow();

      const state = sync.getState();
      assert.deepEqual(state.failedBackups, []);
      assert.equal(state.pendingBackups[0]?.retries, 2);
      assert.match(state.pendingBackups[0]?.lastError ?? '', /^INVALID_TOKEN: /);

      sync.setAuth(fixture.server.url, fixture.server.token);
      await sync.syncNow();
      assert.deepEqual(sync.getState().pendingBackups, []);
      assert.deepEqual(sync.getState().uploadedBackups, [sha256Of(bytes)]);
    });

    it('counts files already uploaded in the summary', async () => {
      await writeZip(path.join(dir, `tienda-${storage}-8.zip`));
      const first = makeSync();
      await first.syncNow();

      const second = makeSync();
      await second.syncNow();
      const summaries = events.flatMap((event) => (event.type === 'pass-finished' ? [event.summary] : []));
      assert.equal(summaries.length, 2);
      assert.equal(summaries[1]?.scanned, 1);
      assert.equal(summaries[1]?.alreadyUploaded, 1);
      assert.equal(summaries[1]?.uploaded, 0);
    });

    it('keeps a backup pending while the server is down', async () => {
      const bytes = await writeZip(path.join(dir, `tienda-${storage}-5.zip`));
      const sync = makeSync({ apiUrl: await stoppedServerUrl() });
      await sync.syncNow();

      const state = sync.getState();
      assert.equal(state.pendingBackups.length, 1);
      assert.equal(state.pendingBackups[0]?.sha256, sha256Of(bytes));
      assert.equal(state.pendingBackups[0]?.retries, 1);
      assert.match(state.pendingBackups[0]?.lastError ?? '', /^NETWORK_ERROR: /);
      assert.equal(state.lastSyncAt, null);
      assert.deepEqual(state.failedBackups, []);

      // The backoff delays the next attempt, so an immediate second pass tries nothing.
      await sync.syncNow();
      assert.equal(sync.getState().pendingBackups[0]?.retries, 1);

      // Once the server is reachable, the same entry is uploaded (a new agent: next-attempt times are in memory).
      const file = JSON.parse(await readFile(path.join(dir, 'cloud-sync.json'), 'utf8')) as { pendingBackups: unknown[] };
      assert.equal(file.pendingBackups.length, 1);
      const recovered = makeSync();
      await recovered.syncNow();
      assert.deepEqual(recovered.getState().pendingBackups, []);
      assert.deepEqual(recovered.getState().uploadedBackups, [sha256Of(bytes)]);
    });

    it('uploads the final bytes of a file changed before the PUT', async () => {
      const filePath = path.join(dir, `tienda-${storage}-6.zip`);
      const original = await writeZip(filePath, 100_000);
      let changed: Buffer | undefined;

      const sync = makeSync({
        onProgress: (event) => {
          // Between hashing and the PUT, the POS application rewrites the file with other bytes of the same size.
          if (event.type === 'uploading' && event.bytesDone === 0 && changed === undefined) {
            const current = readFileSync(filePath);
            current[1000] = (current[1000] ?? 0) ^ 0xff;
            writeFileSync(filePath, current);
            changed = current;
          }
        },
      });
      await sync.syncNow();

      assert.ok(changed !== undefined);
      assert.equal(changed.length, original.length);
      const { backups } = await fixture.api.listBackups(fixture.storeId);
      const available = backups.filter((backup) => backup.status === 'AVAILABLE' && backup.fileName === path.basename(filePath));
      assert.deepEqual(
        available.map((backup) => [backup.sha256, backup.sizeBytes]),
        [[sha256Of(changed), changed.length]],
      );
      assert.equal(backups.some((backup) => backup.sha256 === sha256Of(original) && backup.status === 'AVAILABLE'), false);
      assert.deepEqual(sync.getState().uploadedBackups, [sha256Of(changed)]);
      assert.deepEqual(sync.getState().pendingBackups, []);
      assert.equal(putCount(), 2);
    });
  });
}
