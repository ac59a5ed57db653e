import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { chmod, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { CloudBackupSync } from '../../src/cloud-backup-sync.ts';
import type { CloudSyncProgressEvent, SyncPassSummary } from '../../src/sync-events.ts';
import { makeTempDir, silentLogger, writeZip } from '../helpers.ts';
import { startFixture, type Fixture } from './server-fixture.ts';

describe('unreadable and invalid backup files', () => {
  let fixture: Fixture;
  let dir: string;
  let cleanup: () => Promise<void>;

  before(async () => {
    fixture = await startFixture('filesystem');
  });
  after(() => fixture.server.close());

  beforeEach(async () => {
    ({ dir, cleanup } = await makeTempDir());
  });
  afterEach(() => cleanup());

  function makeSync(onProgress: (event: CloudSyncProgressEvent) => void = () => undefined): { sync: CloudBackupSync; summaries: SyncPassSummary[] } {
    const summaries: SyncPassSummary[] = [];
    const sync = new CloudBackupSync({
      backupsDir: dir,
      storeId: fixture.storeId,
      apiUrl: fixture.server.url,
      token: fixture.server.token,
      logger: silentLogger(),
      settleMs: 0,
      onProgress: (event) => {
        if (event.type === 'pass-finished') summaries.push(event.summary);
        onProgress(event);
      },
    });
    return { sync, summaries };
  }

  it('unreadable file does not stop the others', async () => {
    await writeZip(path.join(dir, 'a.zip'));
    const unreadablePath = path.join(dir, 'b.zip');
    await writeZip(unreadablePath);
    await writeZip(path.join(dir, 'c.zip'));

    // Root reads any file whatever its mode, so the read error is made real another way:
    // while a.zip is hashed, b.zip is replaced by a folder of the same name, and reading it fails with EISDIR.
    let replaced = false;
    const { sync, summaries } = makeSync((event) => {
      if (event.type === 'hashing' && event.filePath.endsWith('a.zip') && !replaced) {
        replaced = true;
        // Synchronous, so the swap is complete before the pass moves on to b.zip.
        rmSync(unreadablePath);
        mkdirSync(unreadablePath);
      }
    });
    await sync.syncNow();

    assert.ok(replaced);
    const [summary] = summaries;
    assert.equal(summary?.unreadable.length, 1);
    assert.equal(summary?.unreadable[0]?.filePath, unreadablePath);
    assert.match(summary?.unreadable[0]?.error ?? '', /^FILE_UNREADABLE: .*b\.zip.*EISDIR/);
    assert.equal(summary?.uploaded, 2);

    const state = sync.getState();
    assert.equal(state.uploadedBackups.length, 2);
    assert.deepEqual(state.pendingBackups, []);
    assert.deepEqual(state.failedBackups, []);
  });

  it(
    'file of mode 000 is reported',
    { skip: process.getuid?.() === 0 ? 'running as root, which can read a file of mode 000' : false },
    async () => {
      const lockedPath = path.join(dir, 'locked.zip');
      await writeZip(lockedPath);
      await chmod(lockedPath, 0o000);
      await writeZip(path.join(dir, 'open.zip'));

      const { sync, summaries } = makeSync();
      await sync.syncNow();
      assert.deepEqual(summaries[0]?.unreadable.map((file) => file.filePath), [lockedPath]);
      assert.equal(summaries[0]?.uploaded, 1);
    },
  );

  it('reports an old non-zip as invalid', async () => {
    const brokenPath = path.join(dir, 'roto.zip');
    await writeFile(brokenPath, randomBytes(5000));
    const anHourAgo = new Date(Date.now() - 3_600_000);
    await utimes(brokenPath, anHourAgo, anHourAgo);
    await writeZip(path.join(dir, 'bueno.zip'));

    const { sync, summaries } = makeSync();
    await sync.syncNow();

    assert.deepEqual(summaries[0]?.invalid, [{ filePath: brokenPath, reason: 'no-end-of-central-directory' }]);
    assert.equal(summaries[0]?.uploaded, 1);
    assert.equal(summaries[0]?.incomplete, 0);
    assert.equal(sync.getState().pendingBackups.length, 0);
  });

  it('leaves a zip still being written for later', async () => {
    const writingPath = path.join(dir, 'escribiendo.zip');
    await writeFile(writingPath, randomBytes(5000));

    const { sync, summaries } = makeSync();
    await sync.syncNow();

    assert.deepEqual(summaries[0]?.invalid, []);
    assert.equal(summaries[0]?.incomplete, 1);
  });
});
