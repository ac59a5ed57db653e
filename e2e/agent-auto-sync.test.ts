import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sha256OfFile, writeRandomFile, zipFolder } from './helpers/backup-fixtures.ts';
import { BackupSyncProcess, runBackupSync } from './helpers/backup-sync-process.ts';
import { startSystem, systemVariants, type RunningSystem } from './helpers/system.ts';

const STORE_ID = 'kiosco';

describe('agent without --once', () => {
  let system: RunningSystem;

  before(async () => {
    const [embedded] = systemVariants;
    assert.ok(embedded);
    system = await startSystem(embedded);
    const created = await runBackupSync(['stores', 'create', '--name', 'Kiosco', '--id', STORE_ID], system.clientEnv);
    assert.equal(created.code, 0, created.stderr);
  });

  after(async () => {
    await system?.close();
  });

  test('uploads a new zip and stops on SIGINT', async () => {
    const backupsDir = join(system.workDir, 'backups');
    const sourceDir = join(system.workDir, 'source');
    await mkdir(backupsDir);
    await mkdir(sourceDir);

    const agent = new BackupSyncProcess(['agent', '--store', STORE_ID, '--dir', backupsDir], system.clientEnv);
    await agent.waitForOutput(/Pass finished: 0 backups found/);

    // Dropped after the first pass: only the folder watch can start the next pass before 15 minutes.
    await writeRandomFile(join(sourceDir, 'caja.bin'), 2 * 1024 * 1024);
    const zipPath = join(backupsDir, 'cierre de caja.zip');
    await zipFolder(sourceDir, zipPath);
    await agent.waitForOutput(/Uploaded: cierre de caja\.zip /);

    const result = await agent.stop('SIGINT');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /Agent stopped\./);

    const { backups } = await system.client.listBackups(STORE_ID);
    assert.equal(backups.length, 1);
    assert.equal(backups[0]?.status, 'AVAILABLE');
    assert.equal(backups[0]?.sha256, await sha256OfFile(zipPath));
  });
});
