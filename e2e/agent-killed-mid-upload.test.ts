import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sha256OfFile, sizeOfFile, writeRandomFile, zipFolder } from './helpers/backup-fixtures.ts';
import { BackupSyncProcess, runBackupSync } from './helpers/backup-sync-process.ts';
import { startSystem, systemVariants, type RunningSystem } from './helpers/system.ts';

const STORE_ID = 'sucursal-sur';
const ZIP_NAME = 'respaldo grande.zip';
const BIG_FILE_BYTES = 64 * 1024 * 1024;
/** The storage proxy stalls the PUT after this many bytes, so the kill lands mid-upload. */
const HOLD_AFTER_BYTES = 8 * 1024 * 1024;

for (const variant of systemVariants) {
  describe(`agent killed mid-upload on ${variant.name}`, () => {
    let system: RunningSystem;
    let backupsDir: string;
    let zipPath: string;

    before(async () => {
      system = await startSystem(variant);
      const sourceDir = join(system.workDir, 'source');
      backupsDir = join(system.workDir, 'backups');
      zipPath = join(backupsDir, ZIP_NAME);
      await mkdir(sourceDir);
      await mkdir(backupsDir);
      await writeRandomFile(join(sourceDir, 'ventas.bin'), BIG_FILE_BYTES);
      await zipFolder(sourceDir, zipPath);

      const created = await runBackupSync(['stores', 'create', '--name', 'Sucursal Sur', '--id', STORE_ID], system.clientEnv);
      assert.equal(created.code, 0, created.stderr);
    });

    after(async () => {
      system?.storageProxy.release();
      await system?.close();
    });

    test('restart ends with one AVAILABLE backup', async () => {
      const sha256 = await sha256OfFile(zipPath);
      system.storageProxy.holdAfter(HOLD_AFTER_BYTES);

      const agent = new BackupSyncProcess(['agent', '--once', '--store', STORE_ID, '--dir', backupsDir], system.clientEnv);
      await system.storageProxy.waitUntilHeld();
      // The agent reads ahead of the stalled socket by a few buffers only, so it reports a partial upload.
      await agent.waitForOutput(new RegExp(`Upload ${ZIP_NAME}: [1-9]\\d?% `));

      const during = (await system.client.listBackups(STORE_ID)).backups;
      assert.equal(during.length, 1);
      assert.equal(during[0]?.status, 'UPLOADING');
      assert.equal(during[0]?.sha256, sha256);

      const killed = await agent.stop('SIGKILL');
      assert.equal(killed.signal, 'SIGKILL');
      assert.doesNotMatch(killed.stderr, /Uploaded:/);
      system.storageProxy.release();

      const restarted = await runBackupSync(['agent', '--once', '--store', STORE_ID, '--dir', backupsDir], system.clientEnv);
      assert.equal(restarted.code, 0, restarted.stderr);
      assert.match(restarted.stderr, new RegExp(`Uploaded: ${ZIP_NAME} `));

      const { backups } = await system.client.listBackups(STORE_ID);
      assert.equal(backups.length, 1, `expected one row, got ${JSON.stringify(backups)}`);
      assert.equal(backups[0]?.id, during[0]?.id);
      assert.equal(backups[0]?.status, 'AVAILABLE');
      assert.equal(backups[0]?.sha256, sha256);
      assert.equal(backups[0]?.sizeBytes, await sizeOfFile(zipPath));

      const state = JSON.parse(await readFile(join(backupsDir, 'cloud-sync.json'), 'utf8'));
      assert.deepEqual(state.pendingBackups, []);
      assert.deepEqual(state.failedBackups, []);
      assert.ok(state.uploadedBackups.includes(sha256));
    });
  });
}
