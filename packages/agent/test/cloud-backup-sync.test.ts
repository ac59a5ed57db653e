import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout } from 'node:timers/promises';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { syncStateSchema, type SyncState } from '@cloud-backup-sync/protocol';
import { CloudBackupSync } from '../src/cloud-backup-sync.ts';
import { InvalidOptionError } from '../src/options.ts';
import { MAX_ATTEMPTS, backoffDelayMs } from '../src/retry-policy.ts';
import type { CloudSyncProgressEvent } from '../src/sync-events.ts';
import { WARN, captureLogger, makeTempDir, silentLogger, writeZip } from './helpers.ts';
import { stoppedServerUrl } from './integration/server-fixture.ts';

function sha256Of(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function readStateFile(dir: string): Promise<SyncState> {
  return syncStateSchema.parse(JSON.parse(await readFile(path.join(dir, 'cloud-sync.json'), 'utf8')));
}

describe('CloudBackupSync', () => {
  let dir: string;
  let cleanup: () => Promise<void>;

  beforeEach(async () => {
    ({ dir, cleanup } = await makeTempDir());
  });
  afterEach(() => cleanup());

  describe('options', () => {
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['missing folder', { backupsDir: '/nonexistent/backups' }, 'backupsDir'],
      ['bad store id', { storeId: 'tienda centro' }, 'storeId'],
      ['ftp API URL', { apiUrl: 'ftp://127.0.0.1', token: 't' }, 'apiUrl'],
      ['URL without token', { apiUrl: 'http://127.0.0.1:1' }, 'token'],
      ['empty token', { apiUrl: 'http://127.0.0.1:1', token: ' ' }, 'token'],
      ['negative interval', { intervalMs: -5 }, 'intervalMs'],
      ['unknown locale', { locale: 'fr' }, 'locale'],
      ['empty backoff list', { backoffDelaysMs: [] }, 'backoffDelaysMs'],
      ['negative backoff delay', { backoffDelaysMs: [10, -1] }, 'backoffDelaysMs[1]'],
    ];
    for (const [name, override, option] of cases) {
      it(`rejects ${name}`, () => {
        const build = () => new CloudBackupSync({ backupsDir: dir, storeId: 'store-1', logger: silentLogger(), ...override } as ConstructorParameters<typeof CloudBackupSync>[0]);
        assert.throws(build, (error: unknown) => error instanceof InvalidOptionError && error.option === option);
      });
    }

    it('rejects a file as backups folder', async () => {
      const filePath = path.join(dir, 'file.txt');
      await writeFile(filePath, 'x');
      assert.throws(
        () => new CloudBackupSync({ backupsDir: filePath, storeId: 'store-1', logger: silentLogger() }),
        (error: unknown) => error instanceof InvalidOptionError && error.option === 'backupsDir' && error.message.includes(filePath),
      );
    });

    it('rejects invalid setAuth arguments', () => {
      const sync = new CloudBackupSync({ backupsDir: dir, storeId: 'store-1', logger: silentLogger() });
      assert.throws(() => sync.setAuth('not a url', 'token'), InvalidOptionError);
      assert.throws(() => sync.setAuth('http://127.0.0.1:1', ''), InvalidOptionError);
      sync.setAuth('https://backups.example.com/', 'token');
    });
  });

  it('adds backups to pending and saves them without auth', async () => {
    const bytes = await writeZip(path.join(dir, 'a.zip'));
    const now = new Date('2026-12-04T10:00:00.000Z');
    const sync = new CloudBackupSync({ backupsDir: dir, storeId: 'store-1', logger: silentLogger(), settleMs: 0, now: () => now });
    await sync.syncNow();

    const expected = {
      filePath: path.join(dir, 'a.zip'),
      sha256: sha256Of(bytes),
      sizeBytes: bytes.length,
      storeId: 'store-1',
      addedAt: now.toISOString(),
      retries: 0,
    };
    assert.deepEqual(sync.getState().pendingBackups, [expected]);
    assert.deepEqual((await readStateFile(dir)).pendingBackups, [expected]);
    assert.equal(sync.getState().lastSyncAt, null);
    assert.deepEqual(sync.getStats(), { pending: 1, uploaded: 0, failed: 0, lastSyncAt: null, isSyncing: false, autoSyncEnabled: false });
  });

  it('returns a copy from getState', async () => {
    await writeZip(path.join(dir, 'a.zip'));
    const sync = new CloudBackupSync({ backupsDir: dir, storeId: 'store-1', logger: silentLogger(), settleMs: 0 });
    await sync.syncNow();
    const copy = sync.getState();
    copy.pendingBackups.length = 0;
    assert.equal(sync.getState().pendingBackups.length, 1);
  });

  it('shares one pass between concurrent syncNow calls', async () => {
    await writeZip(path.join(dir, 'a.zip'));
    const events: CloudSyncProgressEvent[] = [];
    const sync = new CloudBackupSync({ backupsDir: dir, storeId: 'store-1', logger: silentLogger(), settleMs: 0, onProgress: (event) => events.push(event) });
    const first = sync.syncNow();
    const second = sync.syncNow();
    assert.equal(first, second);
    assert.equal(sync.getStats().isSyncing, true);
    await Promise.all([first, second]);
    assert.equal(events.filter((event) => event.type === 'pass-started').length, 1);
    assert.equal(sync.getStats().isSyncing, false);
  });

  it('debounces triggerAfterBackup into one pass', async () => {
    await writeZip(path.join(dir, 'a.zip'));
    let finished: () => void = () => undefined;
    const passDone = new Promise<void>((resolve) => {
      finished = resolve;
    });
    const events: CloudSyncProgressEvent[] = [];
    const sync = new CloudBackupSync({
      backupsDir: dir,
      storeId: 'store-1',
      logger: silentLogger(),
      settleMs: 0,
      triggerDelayMs: 20,
      onProgress: (event) => {
        events.push(event);
        if (event.type === 'pass-finished') finished();
      },
    });
    sync.triggerAfterBackup();
    sync.triggerAfterBackup();
    sync.triggerAfterBackup();
    await passDone;
    // Leave time for any further timer to fire; a second trigger pass would show up as a second start.
    await setTimeout(100);
    assert.equal(events.filter((event) => event.type === 'pass-started').length, 1);
  });

  it('runs a pass when auto sync starts and stops cleanly', async () => {
    await writeZip(path.join(dir, 'a.zip'));
    let finished: () => void = () => undefined;
    const passDone = new Promise<void>((resolve) => {
      finished = resolve;
    });
    const sync = new CloudBackupSync({
      backupsDir: dir,
      storeId: 'store-1',
      logger: silentLogger(),
      settleMs: 0,
      onProgress: (event) => {
        if (event.type === 'pass-finished') finished();
      },
    });
    sync.startAutoSync();
    assert.equal(sync.getStats().autoSyncEnabled, true);
    await passDone;
    sync.stopAutoSync();
    assert.equal(sync.getStats().autoSyncEnabled, false);
    assert.equal(sync.getStats().pending, 1);
  });

  it('fails a file name the protocol rejects', async () => {
    await writeZip(path.join(dir, 'tienda\\centro.zip'));
    const sync = new CloudBackupSync({ backupsDir: dir, storeId: 'store-1', logger: silentLogger(), settleMs: 0, apiUrl: await stoppedServerUrl(), token: 't' });
    await sync.syncNow();
    const state = sync.getState();
    assert.equal(state.failedBackups.length, 1);
    assert.match(state.failedBackups[0]?.error ?? '', /^INVALID_FILE_NAME: .*tienda\\centro\.zip/);
  });

  it('drops a pending backup whose file vanished', async () => {
    await writeZip(path.join(dir, 'a.zip'));
    const { logger, records } = captureLogger();
    const offline = new CloudBackupSync({ backupsDir: dir, storeId: 'store-1', logger, settleMs: 0 });
    await offline.syncNow();
    await rm(path.join(dir, 'a.zip'));

    const online = new CloudBackupSync({ backupsDir: dir, storeId: 'store-1', logger, settleMs: 0, apiUrl: await stoppedServerUrl(), token: 't' });
    await online.syncNow();
    assert.deepEqual(online.getState().pendingBackups, []);
    assert.deepEqual(online.getState().failedBackups, []);
    assert.ok(records.some((record) => record.level === WARN && record.msg.includes('vanished')));
  });

  it('moves a backup to failed after ten attempts and back with resetFailedBackups', async () => {
    const bytes = await writeZip(path.join(dir, 'a.zip'));
    let clock = Date.parse('2026-12-04T10:00:00.000Z');
    const retries: number[] = [];
    const sync = new CloudBackupSync({
      backupsDir: dir,
      storeId: 'store-1',
      logger: silentLogger(),
      settleMs: 0,
      apiUrl: await stoppedServerUrl(),
      token: 't',
      now: () => new Date(clock),
      onProgress: (event) => {
        if (event.type === 'retry-scheduled') retries.push(Date.parse(event.nextAttemptAt) - clock);
      },
    });

    for (let attempt = 1; attempt < MAX_ATTEMPTS; attempt += 1) {
      await sync.syncNow();
      assert.equal(sync.getState().pendingBackups[0]?.retries, attempt);
      // Just before the backoff ends nothing is tried; at its end the next attempt runs.
      clock += backoffDelayMs(attempt) - 1;
      await sync.syncNow();
      assert.equal(sync.getState().pendingBackups[0]?.retries, attempt);
      clock += 1;
    }
    assert.deepEqual(retries, [1, 2, 3, 4, 5, 6, 7, 8, 9].map((attempt) => backoffDelayMs(attempt)));

    await sync.syncNow();
    const failed = sync.getState();
    assert.deepEqual(failed.pendingBackups, []);
    assert.equal(failed.failedBackups.length, 1);
    assert.equal(failed.failedBackups[0]?.retries, MAX_ATTEMPTS);
    assert.match(failed.failedBackups[0]?.error ?? '', /^RETRIES_EXHAUSTED: .*NETWORK_ERROR/);

    // A failed backup is not picked up again by later passes.
    await sync.syncNow();
    assert.equal(sync.getState().pendingBackups.length, 0);

    await sync.resetFailedBackups();
    const reset = sync.getState();
    assert.deepEqual(reset.failedBackups, []);
    assert.equal(reset.pendingBackups.length, 1);
    assert.equal(reset.pendingBackups[0]?.retries, 0);
    assert.equal(reset.pendingBackups[0]?.sha256, sha256Of(bytes));
    assert.equal(reset.pendingBackups[0]?.sizeBytes, bytes.length);
    assert.deepEqual((await readStateFile(dir)).pendingBackups, reset.pendingBackups);
  });

  it('updates a pending entry whose file was replaced', async () => {
    const filePath = path.join(dir, 'a.zip');
    await writeZip(filePath);
    const sync = new CloudBackupSync({ backupsDir: dir, storeId: 'store-1', logger: silentLogger(), settleMs: 0 });
    await sync.syncNow();

    const replaced = await writeZip(filePath, 9000);
    const later = new Date(Date.now() + 5000);
    await utimes(filePath, later, later);
    await sync.syncNow();

    const pending = sync.getState().pendingBackups;
    assert.equal(pending.length, 1);
    assert.equal(pending[0]?.sha256, sha256Of(replaced));
    assert.equal(pending[0]?.sizeBytes, replaced.length);
  });

  it('drops a failed backup whose file vanished on reset', async () => {
    const state: SyncState = {
      lastSyncAt: null,
      pendingBackups: [],
      uploadedBackups: [],
      failedBackups: [{ filePath: path.join(dir, 'gone.zip'), sha256: 'd'.repeat(64), error: 'STORE_NOT_FOUND: x', failedAt: '2026-12-01T00:00:00.000Z', retries: 1 }],
    };
    await writeFile(path.join(dir, 'cloud-sync.json'), JSON.stringify(state));
    const { logger, records } = captureLogger();
    const sync = new CloudBackupSync({ backupsDir: dir, storeId: 'store-1', logger, settleMs: 0 });
    await sync.resetFailedBackups();

    assert.deepEqual(sync.getState().failedBackups, []);
    assert.deepEqual(sync.getState().pendingBackups, []);
    assert.ok(records.some((record) => record.level === WARN && record.filePath === path.join(dir, 'gone.zip')));
  });

  it('keeps syncing when onProgress throws', async () => {
    await writeZip(path.join(dir, 'a.zip'));
    const sync = new CloudBackupSync({
      backupsDir: dir,
      storeId: 'store-1',
      logger: silentLogger(),
      settleMs: 0,
      onProgress: () => {
        throw new Error('listener bug');
      },
    });
    await sync.syncNow();
    assert.equal(sync.getState().pendingBackups.length, 1);
  });

  describe('cleanupDoneBackups', () => {
    it('deletes uploaded backups but keeps the newest, pending and changed ones', async () => {
      const oldUploaded = await writeZip(path.join(dir, '1-old.zip'));
      const pending = await writeZip(path.join(dir, '2-pending.zip'));
      await writeZip(path.join(dir, '3-changed.zip'));
      const newestUploaded = await writeZip(path.join(dir, '4-newest.zip'));
      const times = [1, 2, 3, 4].map((n) => new Date(Date.UTC(2026, 11, n)));
      const names = ['1-old.zip', '2-pending.zip', '3-changed.zip', '4-newest.zip'];
      for (const [index, name] of names.entries()) {
        const time = times[index] ?? new Date();
        await utimes(path.join(dir, name), time, time);
      }

      const state: SyncState = {
        lastSyncAt: null,
        pendingBackups: [],
        // "3-changed.zip" was uploaded with other content than it has now.
        uploadedBackups: [sha256Of(oldUploaded), sha256Of(newestUploaded), 'c'.repeat(64)],
        failedBackups: [],
      };
      await writeFile(path.join(dir, 'cloud-sync.json'), JSON.stringify(state));

      const sync = new CloudBackupSync({ backupsDir: dir, storeId: 'store-1', logger: silentLogger(), settleMs: 0 });
      await sync.cleanupDoneBackups();

      assert.deepEqual((await readdir(dir)).sort(), ['2-pending.zip', '3-changed.zip', '4-newest.zip', 'cloud-sync.json']);
      assert.ok(pending.length > 0);
    });
  });
});
