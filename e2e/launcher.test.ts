import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BackupSyncProcess, LAUNCHER_PATH, runBackupSync, type Runtime } from './helpers/backup-sync-process.ts';

/** Finds a Node.js older than 22 (the system's, outside scripts/node-env.sh), or undefined. */
function findOldNode(): string | undefined {
  const onPath = (process.env.PATH ?? '').split(delimiter).filter((folder) => folder !== '' && !folder.includes('.tools'));
  const candidates = ['/usr/bin/node', '/usr/local/bin/node', ...onPath.map((folder) => join(folder, 'node'))];
  for (const candidate of new Set(candidates)) {
    try {
      const version = execFileSync(candidate, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim();
      if (Number(version.split('.')[0]) < 22) return candidate;
    } catch {
      // No Node.js at this path (ENOENT) or it does not run: try the next one.
      continue;
    }
  }
  return undefined;
}

const oldNode = findOldNode();
const skipWithoutOldNode = oldNode === undefined ? 'no Node.js older than 22 on this machine' : false;
const oldRuntime: Runtime = { node: oldNode ?? '', script: LAUNCHER_PATH };

let workDir: string;

before(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'cbs-launcher-'));
});

after(async () => {
  await rm(workDir, { recursive: true, force: true });
});

describe('backup-sync launcher', () => {
  test('runs the command on this Node.js', async () => {
    const run = await runBackupSync(['--help'], {}, undefined, { node: process.execPath, script: LAUNCHER_PATH });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^Usage: backup-sync <command>/);
  });

  test('old Node.js runs the bundled one', { skip: skipWithoutOldNode }, async () => {
    const run = await runBackupSync(['--help'], {}, undefined, oldRuntime);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^Usage: backup-sync <command>/);
    assert.equal(run.stderr, '');
  });

  test('old Node.js keeps the exit code', { skip: skipWithoutOldNode }, async () => {
    const run = await runBackupSync(['no-such-command'], {}, undefined, oldRuntime);
    assert.equal(run.code, 2);
    assert.equal(run.stderr, 'Unknown command "no-such-command". Run "backup-sync --help" to see the commands.\n');
  });

  test('old Node.js passes SIGTERM through', { skip: skipWithoutOldNode }, async () => {
    const env = { DATA_DIR: join(workDir, 'serve-data'), PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn' };
    const serve = new BackupSyncProcess(['serve'], env, workDir, oldRuntime);
    await serve.waitForOutput(/Server listening on http:\/\/\S+/);

    const result = await serve.stop('SIGTERM');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /Server stopped\./);
  });

  test('old Node.js without the bundled one explains', { skip: skipWithoutOldNode }, async () => {
    // A copy of the launcher in a folder without .tools/ and without the TypeScript entry.
    const binDir = join(workDir, 'bare', 'packages', 'cli', 'bin');
    await mkdir(binDir, { recursive: true });
    const launcher = join(binDir, 'backup-sync.js');
    await copyFile(LAUNCHER_PATH, launcher);

    const run = await runBackupSync(['--help'], {}, undefined, { node: oldRuntime.node, script: launcher });
    assert.equal(run.code, 1);
    assert.equal(run.stdout, '');
    const lines = run.stderr.split('\n').filter((line) => line !== '');
    assert.equal(lines.length, 1, run.stderr);
    assert.match(run.stderr, /necesita Node\.js 22\.18 o más reciente/);
    assert.match(run.stderr, /needs Node\.js 22\.18 or newer/);
    assert.match(run.stderr, /source scripts\/node-env\.sh/);
  });
});

describe('backup-sync output pipe', () => {
  test('closed pipe ends quietly', async () => {
    const child = spawn(process.execPath, [LAUNCHER_PATH, '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
    // The reader goes away before the command writes, as `backup-sync … | head` can.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));

    assert.equal(code, 0, stderr);
    assert.equal(stderr, '');
  });
});
