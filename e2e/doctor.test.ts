import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startS3rver, type S3rverInstance } from '../packages/server/test/helpers/start-s3rver.ts';
import { runBackupSync } from './helpers/backup-sync-process.ts';

describe('backup-sync doctor', () => {
  let workDir: string;
  let s3: S3rverInstance;

  before(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'cbs-doctor-e2e-'));
    s3 = await startS3rver();
  });
  after(async () => {
    await s3.close();
    await rm(workDir, { recursive: true, force: true });
  });

  test('s3rver report says what it skips', async () => {
    const run = await runBackupSync(['doctor'], { DATA_DIR: join(workDir, 's3'), ...s3.env }, workDir);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^Storage check \(s3\):\n/);
    assert.match(run.stdout, /\[ok\] {3}Presigned PUT: 65536 bytes were uploaded with the signed checksum header\n/);
    assert.match(run.stdout, /\[warn\] Altered bytes: not checked by this provider: it accepted altered bytes \(HTTP 200\)/);
    assert.match(run.stdout, /\[warn\] CORS: the bucket has no CORS rules/);
    assert.match(run.stdout, /No check failed \(3 warnings\)\.\n$/);
  });

  test('--json lists every check', async () => {
    const run = await runBackupSync(['doctor', '--json'], { DATA_DIR: join(workDir, 's3'), ...s3.env }, workDir);
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout);
    assert.equal(report.storage, 's3');
    assert.equal(report.ok, true);
    assert.deepEqual(
      report.checks.map((check: { id: string }) => check.id),
      ['credentials', 'bucket', 'put', 'altered-bytes', 'get', 'delete', 'cleanup', 'cors', 'clock-skew', 'lifecycle'],
    );
    const altered = report.checks.find((check: { id: string }) => check.id === 'altered-bytes');
    assert.equal(altered.status, 'warn');
    assert.match(altered.message, /^not checked by this provider/);
  });

  test('filesystem report in Spanish', async () => {
    const run = await runBackupSync(['doctor'], { DATA_DIR: join(workDir, 'fs'), LC_ALL: 'es_ES.UTF-8' }, workDir);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^Comprobación del almacenamiento \(filesystem\):\n/);
    assert.match(run.stdout, /\[ok\] {3}Bytes alterados: el almacenamiento rechazó bytes que no coinciden con el SHA-256 firmado \(HTTP 422 CHECKSUM_MISMATCH\)/);
    assert.match(run.stdout, /\[n\/a\] {2}CORS: no aplica al almacenamiento en archivos/);
  });

  test('unknown access key exits 1', async () => {
    const run = await runBackupSync(['doctor'], { DATA_DIR: join(workDir, 's3'), ...s3.env, S3_ACCESS_KEY_ID: 'NOT-A-KEY' }, workDir);
    assert.equal(run.code, 1);
    assert.match(run.stdout, /\[fail\] Credentials: the provider rejected the key \(InvalidAccessKeyId\)/);
    assert.match(run.stdout, /\[n\/a\] {2}Presigned PUT: not checked because "Credentials" failed/);
    assert.match(run.stdout, /1 checks failed/);
  });
});
