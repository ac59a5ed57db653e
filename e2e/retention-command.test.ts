import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { runBackupSync } from './helpers/backup-sync-process.ts';

const DAY_MS = 86_400_000;

describe('backup-sync retention run', () => {
  let workDir: string;
  let dataDir: string;
  const env = () => ({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', RETENTION_SCHEDULE: 'off' });
  const databaseFile = () => join(dataDir, 'cloud-backup-sync.db');

  before(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'cbs-retention-cli-'));
    dataDir = join(workDir, 'data');

    // The first run creates the schema. Then one store gets four backups, 40 to 43 days old.
    const first = await runBackupSync(['retention', 'run', '--json'], env(), workDir);
    assert.equal(first.code, 0, first.stderr);
    const sqlite = new BetterSqlite3(databaseFile());
    try {
      sqlite.prepare(`insert into stores (id, name, created_at) values ('store-1', 'Centro', ?)`).run(new Date().toISOString());
      const insert = sqlite.prepare(
        `insert into cloud_backups (id, object_key, file_name, size_bytes, sha256, status, store_id, created_at, uploaded_at)
         values (?, ?, ?, 10, ?, 'AVAILABLE', 'store-1', ?, ?)`,
      );
      for (let age = 40; age <= 43; age += 1) {
        const at = new Date(Date.now() - age * DAY_MS).toISOString();
        const sha256 = String(age).padStart(64, '0');
        insert.run(`backup-${age}`, `stores/store-1/2026/01/01/${sha256}.zip`, `copia-${age}.zip`, sha256, at, at);
      }
    } finally {
      sqlite.close();
    }
  });

  after(async () => {
    await rm(workDir, { recursive: true, force: true });
  });

  test('--dry-run --json lists without deleting', async () => {
    const run = await runBackupSync(['retention', 'run', '--dry-run', '--json'], env(), workDir);
    assert.equal(run.code, 0, run.stderr);
    const body = JSON.parse(run.stdout);
    // The default floor keeps the newest 3 of the store, whatever their age.
    assert.deepEqual(
      { ...body, wouldDelete: body.wouldDelete.map((backup: { id: string; rule: string }) => [backup.id, backup.rule]) },
      { success: true, deleted: 1, remaining: 3, details: { byAge: 1, byCount: 0 }, wouldDelete: [['backup-43', 'age']] },
    );

    const sqlite = new BetterSqlite3(databaseFile(), { readonly: true });
    try {
      const row = sqlite.prepare(`select status from cloud_backups where id = 'backup-43'`).get();
      assert.deepEqual(row, { status: 'AVAILABLE' });
    } finally {
      sqlite.close();
    }
  });

  test('--dry-run prints in Spanish', async () => {
    const run = await runBackupSync(['retention', 'run', '--dry-run'], { ...env(), LC_ALL: 'es_ES.UTF-8' }, workDir);
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.trimEnd().split('\n');
    assert.match(lines[0] ?? '', /^Simulación de retención: se eliminarían 1 backups \(1 por tener más de 30 días, 0 por exceder 100 por tienda; cada tienda conserva al menos 3\); quedarían 3\./);
    assert.match(lines[1] ?? '', /^ {2}backup-43 {2}tienda store-1 {2}copia-43\.zip {2}subido \S+ {2}\(regla: age\)$/);
  });

  test('lock held by another run exits 1', async () => {
    const sqlite = new BetterSqlite3(databaseFile());
    sqlite.prepare(`insert into job_leases (name, owner, expires_at) values ('retention', 'other', ?)`).run(new Date(Date.now() + 60_000).toISOString());
    try {
      const run = await runBackupSync(['retention', 'run'], env(), workDir);
      assert.equal(run.code, 1);
      assert.match(run.stderr, /A retention run is already in progress/);
    } finally {
      sqlite.prepare(`delete from job_leases where owner = 'other'`).run();
      sqlite.close();
    }
  });

  test('run deletes and prints counts', async () => {
    const run = await runBackupSync(['retention', 'run'], env(), workDir);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(
      run.stdout,
      'Retention: 1 backups deleted (1 older than 30 days, 0 beyond 100 per store; every store keeps at least 3); 3 remain.\n',
    );

    const again = await runBackupSync(['retention', 'run', '--json'], env(), workDir);
    assert.deepEqual(JSON.parse(again.stdout), { success: true, deleted: 0, remaining: 3, details: { byAge: 0, byCount: 0 } });
  });
});
