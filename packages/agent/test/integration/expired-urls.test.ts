import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ApiClient } from '../../src/api-client.ts';
import { CloudBackupSync } from '../../src/cloud-backup-sync.ts';
import { restoreBackup } from '../../src/restore/restore-backup.ts';
import type { CloudSyncProgressEvent } from '../../src/sync-events.ts';
import { startTestServer, type TestServer } from '../../../server/test/helpers/start-test-server.ts';
import { makeTempDir, silentLogger, writeZip } from '../helpers.ts';
import { buildZip } from '../restore/zip-builder.ts';

const EXPIRED_TTL_SECONDS = -60;
const NORMAL_TTL_SECONDS = 600;

// The real server with the filesystem driver. The test hook sets the lifetime
// of each presigned URL, and a negative lifetime signs a URL that expired a
// minute ago, so expiry is tested without waiting.
describe('expired presigned URLs', () => {
  let server: TestServer;
  let client: ApiClient;
  /** Lifetimes for the next presigned URLs, used in order; 600 s once empty. */
  const nextTtls: number[] = [];

  before(async () => {
    server = await startTestServer({ presignedUrlTtlSeconds: () => nextTtls.shift() ?? NORMAL_TTL_SECONDS });
    client = new ApiClient({ apiUrl: server.url, token: server.token, locale: 'en' });
    await client.createStore('Tienda Expira', 'store-expiry');
  });
  after(() => server.close());

  it('agent requests new upload URL', async () => {
    const { dir, cleanup } = await makeTempDir();
    try {
      const bytes = await writeZip(path.join(dir, 'late.zip'), 10_000);
      const events: CloudSyncProgressEvent[] = [];
      const sync = new CloudBackupSync({
        backupsDir: dir,
        storeId: 'store-expiry',
        apiUrl: server.url,
        token: server.token,
        settleMs: 0,
        logger: silentLogger(),
        onProgress: (event) => events.push(event),
      });

      nextTtls.push(EXPIRED_TTL_SECONDS);
      await sync.syncNow();

      const sha256 = createHash('sha256').update(bytes).digest('hex');
      assert.deepEqual(sync.getState().uploadedBackups, [sha256]);
      assert.deepEqual(sync.getState().pendingBackups, []);
      const puts = events.filter((event) => event.type === 'uploading' && event.bytesDone === 0).length;
      assert.equal(puts, 2, 'one PUT to the expired URL, one to the new URL');
      assert.equal(nextTtls.length, 0);
    } finally {
      await cleanup();
    }
  });

  it('restore requests new download URL', async () => {
    const parent = await mkdtemp(path.join(tmpdir(), 'expired-restore-'));
    try {
      const zip = await buildZip([{ name: 'ventas.csv', data: 'id,total\n1,100\n' }]);
      const sha256 = createHash('sha256').update(zip).digest('hex');
      const answer = await client.requestUpload({ storeId: 'store-expiry', fileName: 'restore.zip', sha256, sizeBytes: zip.length });
      assert.ok(!('exists' in answer));
      assert.equal((await fetch(answer.uploadUrl, { method: 'PUT', body: zip })).status, 200);
      const confirmed = await client.confirmUpload(answer.backupId, sha256);

      nextTtls.push(EXPIRED_TTL_SECONDS);
      const result = await restoreBackup({ client, backupId: confirmed.backup.id, targetDir: path.join(parent, 'restored'), locale: 'en' });

      assert.equal(result.fileCount, 1);
      assert.equal(await readFile(path.join(parent, 'restored', 'ventas.csv'), 'utf8'), 'id,total\n1,100\n');
      assert.equal(nextTtls.length, 0);
    } finally {
      await rm(parent, { recursive: true, force: true });
    }
  });
});
