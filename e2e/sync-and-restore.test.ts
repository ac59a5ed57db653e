import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ApiError } from '@cloud-backup-sync/agent';
import Database from 'better-sqlite3';
import {
  differingFiles,
  listTree,
  makeStoreFolder,
  sha256OfFile,
  sizeOfFile,
  zipFolder,
} from './helpers/backup-fixtures.ts';
import { runBackupSync } from './helpers/backup-sync-process.ts';
import { startSystem, systemVariants, type RunningSystem } from './helpers/system.ts';

const STORE_ID = 'tienda-nandu';
const ZIP_NAME = 'Copia de seguridad — Tienda Ñandú 2026.zip';
/** Over 50 MB, as a real store's photo catalogue can be. */
const BIG_FILE_BYTES = 52 * 1024 * 1024 + 12_345;

for (const variant of systemVariants) {
  describe(`sync and restore on ${variant.name}`, () => {
    let system: RunningSystem;
    let sourceDir: string;
    let backupsDir: string;
    let zipPath: string;
    let zipSha256: string;
    /** BACKUP_SYNC_API plus the store's device token, as a POS desktop runs the agent. */
    let deviceEnv: Record<string, string>;
    let deviceId: string;

    before(async () => {
      system = await startSystem(variant);
      sourceDir = join(system.workDir, 'source');
      backupsDir = join(system.workDir, 'backups');
      zipPath = join(backupsDir, ZIP_NAME);
      await mkdir(sourceDir);
      await mkdir(backupsDir);
      await makeStoreFolder(sourceDir, BIG_FILE_BYTES);
      await zipFolder(sourceDir, zipPath);
      zipSha256 = await sha256OfFile(zipPath);

      const created = await runBackupSync(['stores', 'create', '--name', 'Tienda Ñandú', '--id', STORE_ID, '--json'], system.clientEnv);
      assert.equal(created.code, 0, created.stderr);
      assert.equal(JSON.parse(created.stdout).id, STORE_ID);

      const device = await runBackupSync(['devices', 'create', '--store', STORE_ID, '--name', 'Caja 1', '--json'], system.clientEnv);
      assert.equal(device.code, 0, device.stderr);
      const issued = JSON.parse(device.stdout);
      assert.deepEqual(Object.keys(issued), ['id', 'token']);
      deviceId = issued.id;
      deviceEnv = { ...system.clientEnv, BACKUP_SYNC_TOKEN: issued.token };
    });

    after(async () => {
      await system?.close();
    });

    test('agent --once uploads the backup', async () => {
      const run = await runBackupSync(['agent', '--once', '--store', STORE_ID, '--dir', backupsDir], deviceEnv);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stderr, new RegExp(`Uploaded: ${ZIP_NAME} \\(backup [\\w-]+\\)`));
      assert.match(run.stderr, /Pass finished: 1 backup found, 1 uploaded, 0 already in the cloud, 0 pending, 0 failed\./);
    });

    test('device status appears in devices list', async () => {
      const run = await runBackupSync(['devices', 'list', '--store', STORE_ID, '--json'], system.clientEnv);
      assert.equal(run.code, 0, run.stderr);
      const device = JSON.parse(run.stdout).devices.find((candidate: { id: string }) => candidate.id === deviceId);
      assert.equal(device.status.pending, 0);
      assert.equal(device.status.uploaded, 1);
      assert.equal(device.status.failed, 0);
      assert.notEqual(device.lastUsedAt, null);
    });

    test('device token cannot list or restore', async () => {
      const listing = await runBackupSync(['backups', 'list', '--store', STORE_ID], deviceEnv);
      assert.equal(listing.code, 1);
      assert.match(listing.stderr, /not allowed/);

      const restore = await runBackupSync(['restore', '--store', STORE_ID, '--latest', '--to', join(system.workDir, 'by-device')], deviceEnv);
      assert.equal(restore.code, 1);
    });

    test('listing shows size and sha256', async () => {
      const { backups } = await system.client.listBackups(STORE_ID);
      assert.equal(backups.length, 1);
      const [backup] = backups;
      assert.equal(backup?.status, 'AVAILABLE');
      assert.equal(backup?.fileName, ZIP_NAME);
      assert.equal(backup?.sizeBytes, await sizeOfFile(zipPath));
      assert.equal(backup?.sha256, zipSha256);
      assert.equal(backup?.storeName, 'Tienda Ñandú');
      assert.ok(backup?.uploadedAt);
    });

    test('backups list prints the backup', async () => {
      const run = await runBackupSync(['backups', 'list', '--store', STORE_ID], system.clientEnv);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, new RegExp(`\\tAVAILABLE\\t${STORE_ID}\\t52\\.\\d MiB\\t.*\\t${ZIP_NAME}\\n$`));
    });

    test('download is byte-identical', async () => {
      const [backup] = (await system.client.listBackups(STORE_ID)).backups;
      assert.ok(backup);
      const { downloadUrl, fileName } = await system.client.requestDownload(backup.id);
      assert.equal(fileName, ZIP_NAME);

      const response = await fetch(downloadUrl);
      assert.equal(response.status, 200);
      const downloaded = Buffer.from(await response.arrayBuffer());
      assert.ok(downloaded.equals(await readFile(zipPath)), 'downloaded bytes differ from the uploaded zip');
    });

    test('restore --latest rebuilds the folder', async () => {
      const target = join(system.workDir, 'restored-latest');
      const run = await runBackupSync(['restore', '--store', STORE_ID, '--latest', '--to', target], system.clientEnv);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /^Backup [\w-]+ restored into .*restored-latest: 4 files, /);
      assert.match(run.stderr, /Download: 100% /);
      assert.match(run.stderr, /Extraction: 100% /);

      assert.deepEqual(await listTree(target), await listTree(sourceDir));
      assert.deepEqual(await differingFiles(sourceDir, target), []);
      const database = new Database(join(target, 'tienda.db'), { readonly: true });
      try {
        assert.deepEqual(database.prepare('SELECT count(*) AS n, sum(total_centavos) AS total FROM ventas').get(), {
          n: 5000,
          total: 137 * ((4999 * 5000) / 2),
        });
      } finally {
        database.close();
      }
    });

    test('restore --backup rebuilds the folder', async () => {
      const [backup] = (await system.client.listBackups(STORE_ID)).backups;
      assert.ok(backup);
      const target = join(system.workDir, 'restored-by-id');
      const run = await runBackupSync(['restore', '--backup', backup.id, '--to', target], system.clientEnv);
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(await listTree(target), await listTree(sourceDir));
      assert.deepEqual(await differingFiles(sourceDir, target), []);
    });

    test('restore refuses a non-empty folder', async () => {
      const target = join(system.workDir, 'occupied');
      await mkdir(target);
      await writeFile(join(target, 'keep.txt'), 'keep');
      const run = await runBackupSync(['restore', '--store', STORE_ID, '--latest', '--to', target], system.clientEnv);
      assert.equal(run.code, 1);
      assert.match(run.stderr, /already exists and is not empty\. Choose a new or empty folder\. \(TARGET_NOT_EMPTY\)/);
      assert.deepEqual(await readdir(target), ['keep.txt']);
    });

    test('restore of an unknown backup fails', async () => {
      const run = await runBackupSync(['restore', '--backup', 'no-such-backup', '--to', join(system.workDir, 'never')], system.clientEnv);
      assert.equal(run.code, 1);
      assert.match(run.stderr, /Backup "no-such-backup" does not exist\./);
    });

    test('second agent pass uploads nothing', async () => {
      const before = await system.client.listBackups(STORE_ID);
      const object = await findStoredObject(system.objectsDir, await sizeOfFile(zipPath));
      const objectBefore = await stat(object);
      const storageConnectionsBefore = system.storageProxy.connectionCount;

      const run = await runBackupSync(['agent', '--once', '--store', STORE_ID, '--dir', backupsDir], deviceEnv);
      assert.equal(run.code, 0, run.stderr);
      assert.doesNotMatch(run.stderr, /Uploaded:/);
      assert.match(run.stderr, / 0 uploaded, /);

      assert.deepEqual(await system.client.listBackups(STORE_ID), before);
      assert.equal(system.storageProxy.connectionCount, storageConnectionsBefore, 'the agent opened a connection to storage');
      const objectAfter = await stat(object);
      assert.equal(objectAfter.ino, objectBefore.ino);
      assert.equal(objectAfter.mtimeMs, objectBefore.mtimeMs);
    });

    test('altered bytes never become AVAILABLE', async () => {
      const original = randomBytes(1024 * 1024);
      const altered = Buffer.from(original);
      altered[512 * 1024] = (altered[512 * 1024] ?? 0) ^ 0xff;
      const sha256 = createHash('sha256').update(original).digest('hex');

      const answer = await system.client.requestUpload({ storeId: STORE_ID, fileName: 'alterado.zip', sha256, sizeBytes: original.length });
      assert.ok(!('exists' in answer), 'a fresh upload URL was expected');
      const put = await fetch(answer.uploadUrl, { method: 'PUT', body: altered, headers: { 'content-length': String(altered.length) } });
      await put.arrayBuffer();

      // The filesystem driver rejects the PUT itself; s3rver stores anything, so confirmation must catch it.
      if (put.ok) {
        await assert.rejects(system.client.confirmUpload(answer.backupId, sha256), (error: unknown) => {
          assert.ok(error instanceof ApiError);
          assert.equal(error.code, 'CHECKSUM_MISMATCH');
          return true;
        });
      } else {
        await assert.rejects(system.client.confirmUpload(answer.backupId, sha256), ApiError);
      }

      const listed = (await system.client.listBackups(STORE_ID)).backups.find((backup) => backup.id === answer.backupId);
      assert.ok(listed, 'the altered backup has a row');
      assert.notEqual(listed.status, 'AVAILABLE');
      await assert.rejects(system.client.requestDownload(answer.backupId), ApiError);
    });

    test('tampered stored object fails restore', async () => {
      const object = await findStoredObject(system.objectsDir, await sizeOfFile(zipPath));
      const handle = await open(object, 'r+');
      try {
        const byte = Buffer.alloc(1);
        const position = Math.floor((await handle.stat()).size / 2);
        await handle.read(byte, 0, 1, position);
        byte[0] = (byte[0] ?? 0) ^ 0xff;
        await handle.write(byte, 0, 1, position);
      } finally {
        await handle.close();
      }

      const parent = join(system.workDir, 'tampered');
      await mkdir(parent);
      const run = await runBackupSync(['restore', '--store', STORE_ID, '--latest', '--to', join(parent, 'restored')], system.clientEnv);
      assert.equal(run.code, 1);
      assert.match(run.stderr, /does not match the listing .*Nothing was extracted\. \(CHECKSUM_MISMATCH\)/);
      assert.deepEqual(await readdir(parent), []);
    });

    test('revoked device token stops the agent', async () => {
      const revoke = await runBackupSync(['devices', 'revoke', '--id', deviceId], system.clientEnv);
      assert.equal(revoke.code, 0, revoke.stderr);
      assert.match(revoke.stdout, new RegExp(`^Device ${deviceId} revoked \\(`));
      const again = await runBackupSync(['devices', 'revoke', '--id', deviceId], system.clientEnv);
      assert.equal(again.code, 0, again.stderr);

      const newSource = join(system.workDir, 'after-revocation');
      await mkdir(newSource);
      await writeFile(join(newSource, 'ventas.csv'), randomBytes(1000).toString('hex'));
      await zipFolder(newSource, join(backupsDir, 'after-revocation.zip'));
      const run = await runBackupSync(['agent', '--once', '--store', STORE_ID, '--dir', backupsDir], deviceEnv);
      assert.equal(run.code, 1);
      assert.match(run.stderr, /INVALID_TOKEN/);
    });
  });
}

/** Finds the one stored file of `sizeBytes` under the storage folder (the filesystem driver's or s3rver's). */
async function findStoredObject(folder: string, sizeBytes: number): Promise<string> {
  const matches: string[] = [];
  for (const entry of await readdir(folder, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    if ((await stat(path)).size === sizeBytes) matches.push(path);
  }
  assert.equal(matches.length, 1, `expected one stored object of ${sizeBytes} bytes, found ${matches.join(', ')}`);
  return matches[0] ?? '';
}
