import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ApiClient, restoreBackup, RestoreError, type RestoreProgress } from '@cloud-backup-sync/agent';
import { startTestServer, type TestServer } from '../../../server/test/helpers/start-test-server.ts';
import { buildZip, replaceBytes } from './zip-builder.ts';

let server: TestServer;
let client: ApiClient;
let root: string;
let counter = 0;

before(async () => {
  server = await startTestServer();
  client = new ApiClient({ apiUrl: server.url, token: server.token, locale: 'en' });
  root = await mkdtemp(join(tmpdir(), 'restore-backup-test-'));
});

after(async () => {
  await server?.close();
  await rm(root, { recursive: true, force: true });
});

/** Uploads `zip` through the API and confirms it, as the agent does; returns the backup id. */
async function uploadBackup(storeId: string, fileName: string, zip: Buffer): Promise<string> {
  const sha256 = createHash('sha256').update(zip).digest('hex');
  const answer = await client.requestUpload({ storeId, fileName, sha256, sizeBytes: zip.length });
  if ('exists' in answer) return answer.backupId;

  const put = await fetch(answer.uploadUrl, { method: 'PUT', body: zip });
  assert.equal(put.status, 200, await put.text());
  await client.confirmUpload(answer.backupId, sha256);
  return answer.backupId;
}

async function freshParent(): Promise<string> {
  counter += 1;
  const parent = join(root, `case-${counter}`);
  await mkdir(parent);
  return parent;
}

describe('restoreBackup', () => {
  test('latest picks the newest AVAILABLE backup', async () => {
    await client.createStore('Centro', 'centro');
    await uploadBackup('centro', 'lunes.zip', await buildZip([{ name: 'dia.txt', data: 'lunes' }]));
    const newest = await uploadBackup('centro', 'martes.zip', await buildZip([{ name: 'dia.txt', data: 'martes' }]));
    // A newer upload that never finished stays UPLOADING and must not be chosen.
    const unfinished = await buildZip([{ name: 'dia.txt', data: 'miércoles' }]);
    await client.requestUpload({
      storeId: 'centro',
      fileName: 'miercoles.zip',
      sha256: createHash('sha256').update(unfinished).digest('hex'),
      sizeBytes: unfinished.length,
    });

    const target = join(await freshParent(), 'restored');
    const progress: RestoreProgress[] = [];
    const result = await restoreBackup({
      client,
      storeId: 'centro',
      latest: true,
      targetDir: target,
      onProgress: (update) => progress.push(update),
    });

    assert.equal(result.backup.id, newest);
    assert.equal(await readFile(join(target, 'dia.txt'), 'utf8'), 'martes');
    const lastDownload = progress.filter((update) => update.phase === 'download').at(-1);
    const lastExtract = progress.filter((update) => update.phase === 'extract').at(-1);
    assert.equal(lastDownload?.bytes, result.backup.sizeBytes);
    assert.equal(lastExtract?.bytes, 'martes'.length);
  });

  test('latest without backups fails', async () => {
    await client.createStore('Vacía', 'vacia');
    const parent = await freshParent();
    await assert.rejects(
      restoreBackup({ client, storeId: 'vacia', latest: true, targetDir: join(parent, 'restored') }),
      (error: unknown) => error instanceof RestoreError && error.code === 'NO_AVAILABLE_BACKUP' && /"vacia"/.test(error.message),
    );
    assert.deepEqual(await readdir(parent), []);
  });

  test('unfinished backup by id fails', async () => {
    await client.createStore('Norte', 'norte');
    const zip = await buildZip([{ name: 'a.txt', data: 'a' }]);
    const answer = await client.requestUpload({
      storeId: 'norte',
      fileName: 'a.zip',
      sha256: createHash('sha256').update(zip).digest('hex'),
      sizeBytes: zip.length,
    });
    assert.ok(!('exists' in answer));

    await assert.rejects(
      restoreBackup({ client, backupId: answer.backupId, targetDir: join(await freshParent(), 'restored') }),
      (error: unknown) => error instanceof RestoreError && error.code === 'BACKUP_NOT_AVAILABLE' && error.params.status === 'UPLOADING',
    );
  });

  test('unknown backup id fails', async () => {
    await assert.rejects(
      restoreBackup({ client, backupId: 'missing-backup', targetDir: join(await freshParent(), 'restored') }),
      { code: 'BACKUP_NOT_FOUND' },
    );
  });

  test('hostile backup leaves nothing behind', async () => {
    await client.createStore('Sur', 'sur');
    const zip = replaceBytes(
      await buildZip([{ name: 'ok.txt', data: 'fine' }, { name: 'ab/evil.txt', data: 'x' }]),
      'ab/evil.txt',
      '../evil.txt',
    );
    const backupId = await uploadBackup('sur', 'hostil.zip', zip);

    const parent = await freshParent();
    await assert.rejects(restoreBackup({ client, backupId, targetDir: join(parent, 'restored') }), {
      code: 'ENTRY_PARENT_SEGMENT',
    });
    assert.deepEqual(await readdir(parent), []);
    assert.deepEqual(await readdir(root).then((names) => names.filter((name) => name === 'evil.txt')), []);
  });
});
