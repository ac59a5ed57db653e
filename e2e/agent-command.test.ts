import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { ApiClient } from '@cloud-backup-sync/agent';
import { startTestServer, type TestServer } from '../packages/server/test/helpers/start-test-server.ts';
import { writeRandomFile, zipFolder } from './helpers/backup-fixtures.ts';
import { runBackupSync } from './helpers/backup-sync-process.ts';

const STORE_ID = 'kiosco';

let workDir: string;
let server: TestServer;
let clientEnv: Record<string, string>;
let sourceDir: string;
let caseNumber = 0;

before(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'cbs-agent-command-'));
  server = await startTestServer({ database: 'sqlite', storage: 'filesystem' });
  await new ApiClient({ apiUrl: server.url, token: server.token }).createStore('Kiosco', STORE_ID);
  clientEnv = { BACKUP_SYNC_API: server.url, BACKUP_SYNC_TOKEN: server.token };
  sourceDir = join(workDir, 'source');
  await mkdir(sourceDir);
});

after(async () => {
  await server?.close();
  await rm(workDir, { recursive: true, force: true });
});

/** Creates a fresh backups folder for one test. */
async function newBackupsDir(): Promise<string> {
  caseNumber += 1;
  const dir = join(workDir, `backups-${caseNumber}`);
  await mkdir(dir);
  return dir;
}

/** Writes a real zip with random content, so every call gives a new SHA-256. */
async function writeBackup(zipPath: string): Promise<string> {
  await writeRandomFile(join(sourceDir, 'ventas.bin'), 64 * 1024);
  await zipFolder(sourceDir, zipPath);
  return createHash('sha256').update(await readFile(zipPath)).digest('hex');
}

function agentOnce(dir: string, extra: string[] = [], env: Record<string, string | undefined> = clientEnv) {
  return runBackupSync(['agent', '--once', '--store', STORE_ID, '--dir', dir, ...extra], env);
}

describe('backup-sync agent', () => {
  let backupsDir: string;

  beforeEach(async () => {
    backupsDir = await newBackupsDir();
  });

  test('missing store stays pending until created', async () => {
    const storeId = `tienda-${caseNumber}`;
    const zipPath = join(backupsDir, 'cierre.zip');
    await writeBackup(zipPath);

    const first = await runBackupSync(['agent', '--once', '--store', storeId, '--dir', backupsDir], clientEnv);
    assert.equal(first.code, 1);
    assert.match(first.stderr, new RegExp(`Pending: ${escape(zipPath)} \\(1 attempt\\): STORE_NOT_FOUND: .*backup-sync stores create`));
    assert.doesNotMatch(first.stderr, /Failed:/);

    await new ApiClient({ apiUrl: server.url, token: server.token }).createStore('Tienda nueva', storeId);
    const second = await runBackupSync(['agent', '--once', '--store', storeId, '--dir', backupsDir], clientEnv);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stderr, /Uploaded: cierre\.zip /);
  });

  test('counts files uploaded before', async () => {
    await writeBackup(join(backupsDir, 'cierre.zip'));
    const first = await agentOnce(backupsDir);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stderr, /Pass finished: 1 backup found, 1 uploaded, 0 already in the cloud, 0 pending, 0 failed\./);

    const second = await agentOnce(backupsDir);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stderr, /Pass finished: 1 backup found, 0 uploaded, 1 already in the cloud, 0 pending, 0 failed\./);
  });

  test('--retry-failed uploads failed backups', async () => {
    const zipPath = join(backupsDir, 'cierre.zip');
    const sha256 = await writeBackup(zipPath);
    const failedEntry = { filePath: zipPath, sha256, error: 'FORBIDDEN: old token.', failedAt: '2026-12-01T00:00:00.000Z', retries: 1 };
    const state = { lastSyncAt: null, pendingBackups: [], uploadedBackups: [], failedBackups: [failedEntry] };
    await writeFile(join(backupsDir, 'cloud-sync.json'), JSON.stringify(state));

    const stillFailed = await agentOnce(backupsDir);
    assert.equal(stillFailed.code, 1);
    assert.match(stillFailed.stderr, /Pass finished: 1 backup found, 0 uploaded, 0 already in the cloud, 0 pending, 1 failed\./);
    assert.match(stillFailed.stderr, /Failed: .*cierre\.zip \(1 attempt\): FORBIDDEN: old token\. .*backup-sync agent --retry-failed/);
    assert.ok(!stillFailed.stderr.includes('token..'), `one period after the error: ${stillFailed.stderr}`);

    const retried = await agentOnce(backupsDir, ['--retry-failed']);
    assert.equal(retried.code, 0, retried.stderr);
    assert.match(retried.stderr, /Pass finished: 1 backup found, 1 uploaded, 0 already in the cloud, 0 pending, 0 failed\./);
  });

  test('old corrupt zip makes --once fail', async () => {
    const brokenPath = join(backupsDir, 'roto.zip');
    await writeFile(brokenPath, randomBytes(4096));
    const anHourAgo = new Date(Date.now() - 3_600_000);
    await utimes(brokenPath, anHourAgo, anHourAgo);
    await writeBackup(join(backupsDir, 'bueno.zip'));

    const run = await agentOnce(backupsDir);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /Pass finished: 1 backup found, 1 uploaded, 0 already in the cloud, 0 pending, 0 failed, 1 invalid\./);
    assert.match(run.stderr, new RegExp(`Invalid: ${escape(brokenPath)} is not a complete zip`));
  });

  test('zip still being written is left for later', async () => {
    await writeFile(join(backupsDir, 'escribiendo.zip'), randomBytes(4096));

    const run = await agentOnce(backupsDir);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /Pass finished: 0 backups found, 0 uploaded, 0 already in the cloud, 0 pending, 0 failed\./);
  });

  test('network failure reads as Spanish', async () => {
    await writeBackup(join(backupsDir, 'cierre.zip'));
    const stopped = await startTestServer({ database: 'sqlite', storage: 'filesystem' });
    const deadUrl = stopped.url;
    await stopped.close();

    const run = await agentOnce(backupsDir, [], { ...clientEnv, BACKUP_SYNC_API: deadUrl, LC_ALL: 'es_AR.UTF-8' });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /Pasada terminada: 1 backup encontrado, 0 subidos, 0 ya estaban en la nube, 1 pendiente, 0 fallidos\./);
    assert.match(run.stderr, new RegExp(`\\(1 intento\\): NETWORK_ERROR: No se pudo conectar con ${escape(deadUrl)} \\(ECONNREFUSED `));
    assert.doesNotMatch(run.stderr, /fetch failed|terminated/);
  });

  test('help names the API access token', async () => {
    const english = await runBackupSync(['agent', '--help']);
    assert.match(english.stdout, /--token TOKEN +API access token/);
    assert.match(english.stdout, /--retry-failed/);

    const spanish = await runBackupSync(['agent', '--help'], { LC_ALL: 'es_AR.UTF-8' });
    assert.match(spanish.stdout, /--token TOKEN +Token de acceso \(API\)/);
    assert.doesNotMatch(spanish.stdout, /Token de la tienda/);
  });
});

describe('one-shot commands', () => {
  test('create-superadmin logs no info records', async () => {
    const run = await runBackupSync(['admin', 'create-superadmin', '--email', 'quiet@example.com'], { DATA_DIR: join(workDir, 'admin-quiet'), LOG_LEVEL: undefined }, workDir);
    assert.equal(run.code, 0, run.stderr);
    assert.doesNotMatch(run.stderr, /"level":30/);
    assert.match(run.stderr, /^Super-administrator quiet@example\.com created\./);
  });

  test('LOG_LEVEL=info brings the records back', async () => {
    const run = await runBackupSync(['admin', 'create-superadmin', '--email', 'loud@example.com'], { DATA_DIR: join(workDir, 'admin-loud'), LOG_LEVEL: 'info' }, workDir);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /"level":30/);
  });
});

describe('serve', () => {
  let busy: Server;
  let port: number;

  before(async () => {
    busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const address = busy.address();
    assert.ok(address !== null);
    assert.ok(typeof address === 'object');
    port = address.port;
  });

  after(async () => {
    await new Promise<void>((resolve) => busy.close(() => resolve()));
  });

  test('busy port names PORT and HOST', async () => {
    const run = await runBackupSync(['serve'], { DATA_DIR: join(workDir, 'serve-busy'), HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'silent' }, workDir);
    assert.equal(run.code, 1);
    assert.equal(
      run.stderr,
      `Error: Cannot listen on 127.0.0.1:${port}: the address is already in use by another program. ` +
        'Stop that program or choose another port with the PORT variable (or another address with HOST).\n',
    );
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
