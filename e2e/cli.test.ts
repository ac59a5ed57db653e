import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BackupSyncProcess, runBackupSync } from './helpers/backup-sync-process.ts';

let workDir: string;

before(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'cbs-cli-'));
});

after(async () => {
  await rm(workDir, { recursive: true, force: true });
});

describe('backup-sync command', () => {
  test('bad flag exits 2 with the reason', async () => {
    const run = await runBackupSync(['restore', '--api', 'http://127.0.0.1:1', '--token', 't', '--backup', 'b1', '--store', 's1', '--latest', '--to', 'x']);
    assert.equal(run.code, 2);
    assert.equal(run.stderr, 'Use either --backup ID or --store ID --latest, not both.\n');
    assert.equal(run.stdout, '');
  });

  test('unknown flag exits 2', async () => {
    const run = await runBackupSync(['agent', '--once', '--folder', 'x']);
    assert.equal(run.code, 2);
    assert.equal(run.stderr, 'Unknown option --folder. Run "backup-sync agent --help" to see the options.\n');
  });

  test('invalid URL exits 2', async () => {
    const run = await runBackupSync(['stores', 'list', '--api', 'localhost:3000', '--token', 't']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^--api "localhost:3000" is not a valid http:\/\/ or https:\/\/ URL\. Example: http:\/\/127\.0\.0\.1:8080\n$/);
  });

  test('Spanish is the default language', async () => {
    const run = await runBackupSync(['restore', '--latest'], { LC_ALL: '', LC_MESSAGES: '', LANG: '' });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^Falta --api: indique la URL de la API/);
  });

  test('serve lists every invalid variable', async () => {
    const run = await runBackupSync(['serve'], { DATA_DIR: join(workDir, 'data'), PORT: 'eighty', CRON_SECRET: 'tiny-s3cr3t', S3_BUCKET_NAME: 'b' }, workDir);
    assert.equal(run.code, 1);
    const lines = run.stderr.trim().split('\n');
    assert.match(lines[0] ?? '', /^The configuration is invalid\./);
    assert.ok(lines.some((line) => /^ {2}PORT="eighty" is invalid/.test(line)), run.stderr);
    assert.ok(lines.some((line) => /^ {2}CRON_SECRET is too short/.test(line)), run.stderr);
    assert.ok(lines.some((line) => /^ {2}S3_ACCESS_KEY_ID is missing/.test(line)), run.stderr);
    assert.ok(!run.stderr.includes('tiny-s3cr3t'), 'the secret itself is never printed');
    assert.ok(!run.stderr.includes('no es válido'), `English output carries no Spanish: ${run.stderr}`);
  });

  test('serve lists invalid variables in Spanish', async () => {
    const run = await runBackupSync(['serve'], { DATA_DIR: join(workDir, 'data'), PORT: 'eighty', LC_ALL: 'es_AR.UTF-8' }, workDir);
    assert.equal(run.code, 1);
    const lines = run.stderr.trim().split('\n');
    assert.ok(lines.some((line) => /^ {2}PORT="eighty" no es válido/.test(line)), run.stderr);
    assert.ok(!run.stderr.includes('is invalid'), `Spanish output carries no English: ${run.stderr}`);
  });

  test('serve stops on SIGINT', async () => {
    const serve = new BackupSyncProcess(['serve'], { DATA_DIR: join(workDir, 'serve-data'), PORT: '0', LOG_LEVEL: 'warn' }, workDir);
    const [, url = ''] = await serve.waitForOutput(/Server listening on (http:\/\/\S+)/);
    const health = await fetch(`${url}/api/health`);
    assert.equal(health.status, 200);

    const result = await serve.stop('SIGINT');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /Server stopped\./);
  });

  test('create-superadmin --json prints only the token', async () => {
    const run = await runBackupSync(['admin', 'create-superadmin', '--email', 'admin@example.com', '--json'], {
      DATA_DIR: join(workDir, 'admin-data'),
    }, workDir);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^\{"token":"[^"]+"\}\n$/);
  });

  test('retention run --json on empty data', async () => {
    const run = await runBackupSync(['retention', 'run', '--json'], { DATA_DIR: join(workDir, 'retention-data') }, workDir);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), { success: true, deleted: 0, remaining: 0, details: { byAge: 0, byCount: 0 } });
  });

  test('--help exits 0', async () => {
    const run = await runBackupSync(['restore', '--help']);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /^Usage: backup-sync restore \(--backup ID \| --store ID --latest\) --to FOLDER/);
  });
});
