import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { ConfigError, loadConfig, readEnv } from '../src/index.ts';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  assert.fail('loadConfig accepted an invalid environment');
}

test('defaults use SQLite and filesystem', () => {
  const config = loadConfig({ DATA_DIR: '/srv/cbs' });
  assert.equal(config.port, 8080);
  assert.equal(config.host, '127.0.0.1');
  assert.equal(config.publicUrl, undefined);
  assert.deepEqual(config.database, { kind: 'sqlite', file: '/srv/cbs/cloud-backup-sync.db' });
  assert.deepEqual(config.storage, { kind: 'filesystem', objectsDir: '/srv/cbs/objects' });
  assert.equal(config.retention.days, 30);
  assert.equal(config.retention.maxCount, 100);
  assert.equal(config.retention.minKeep, 3);
  assert.equal(config.retention.schedule?.source, '0 3 * * *');
  assert.equal(config.cronSecret, undefined);
  assert.equal(config.logLevel, 'info');
});

test('S3 and PostgreSQL variables are parsed', () => {
  const config = loadConfig({
    S3_ACCESS_KEY_ID: 'key',
    S3_SECRET_ACCESS_KEY: 'secret',
    S3_BUCKET_NAME: 'bucket',
    S3_REGION: 'auto',
    S3_ENDPOINT: '',
    S3_FORCE_PATH_STYLE: 'true',
    DATABASE_URL: 'postgresql://app@db.internal:5432/cbs',
    PORT: '0',
    PUBLIC_URL: 'https://backups.example.com/',
    BACKUP_RETENTION_DAYS: '7',
    BACKUP_MAX_COUNT: '10',
    CRON_SECRET: 'c'.repeat(32),
  });
  assert.deepEqual(config.storage, {
    kind: 's3',
    accessKeyId: 'key',
    secretAccessKey: 'secret',
    bucket: 'bucket',
    region: 'auto',
    endpoint: undefined,
    forcePathStyle: true,
  });
  assert.deepEqual(config.database, { kind: 'postgres', url: 'postgresql://app@db.internal:5432/cbs' });
  assert.equal(config.port, 0);
  assert.equal(config.publicUrl, 'https://backups.example.com');
  assert.equal(config.retention.days, 7);
  assert.equal(config.retention.maxCount, 10);
  assert.equal(config.cronSecret, 'c'.repeat(32));
});

test('every bad variable is listed at once', () => {
  const problems = problemsOf({
    PORT: '70000',
    DATABASE_URL: 'mysql://root:hunter2@db/cbs',
    S3_BUCKET_NAME: 'bucket',
    S3_FORCE_PATH_STYLE: 'maybe',
    S3_ENDPOINT: 'ftp://x',
    BACKUP_RETENTION_DAYS: 'thirty',
    BACKUP_MAX_COUNT: '-1',
    CRON_SECRET: 'short',
    LOG_LEVEL: 'loud',
    PUBLIC_URL: 'not a url',
  });
  const named = ['PORT', 'DATABASE_URL', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY', 'S3_REGION', 'S3_FORCE_PATH_STYLE', 'S3_ENDPOINT', 'BACKUP_RETENTION_DAYS', 'BACKUP_MAX_COUNT', 'CRON_SECRET', 'LOG_LEVEL', 'PUBLIC_URL'];
  for (const name of named) {
    assert.ok(problems.some((problem) => problem.startsWith(name) || problem.startsWith(`Falta ${name}`) || problem.includes(` ${name} `)), `${name} not listed in ${JSON.stringify(problems)}`);
  }
  assert.equal(problems.length, named.length);
  assert.ok(!problems.join('\n').includes('hunter2'), 'the database password leaked into a message');
  assert.ok(!problems.join('\n').includes('"short"'), 'the cron secret leaked into a message');
});

test('short CRON_SECRET is rejected', () => {
  const problems = problemsOf({ CRON_SECRET: 'x'.repeat(31) });
  assert.equal(problems.length, 1);
  assert.match(problems[0] ?? '', /^CRON_SECRET is too short \(31 characters\)/);
  assert.ok(!(problems[0] ?? '').includes('x'.repeat(31)));
});

test('BACKUP_MIN_KEEP is parsed', () => {
  assert.equal(loadConfig({ BACKUP_MIN_KEEP: '5', BACKUP_MAX_COUNT: '5' }).retention.minKeep, 5);
  for (const value of ['0', '-1', 'three', '2.5']) {
    const problems = problemsOf({ BACKUP_MIN_KEEP: value });
    assert.equal(problems.length, 1, value);
    assert.match(problems[0] ?? '', /^BACKUP_MIN_KEEP="[^"]*" is invalid/);
  }
});

test('BACKUP_MIN_KEEP above BACKUP_MAX_COUNT is rejected', () => {
  const problems = problemsOf({ BACKUP_MIN_KEEP: '6', BACKUP_MAX_COUNT: '5' });
  assert.equal(problems.length, 1);
  assert.match(problems[0] ?? '', /^BACKUP_MIN_KEEP=6 is greater than BACKUP_MAX_COUNT=5/);

  // The default floor of 3 counts too.
  assert.match(problemsOf({ BACKUP_MAX_COUNT: '2' })[0] ?? '', /BACKUP_MIN_KEEP=3 is greater than BACKUP_MAX_COUNT=2/);
});

test('RETENTION_SCHEDULE accepts cron and off', () => {
  assert.equal(loadConfig({ RETENTION_SCHEDULE: '*/15 2-4 * * 1-5' }).retention.schedule?.source, '*/15 2-4 * * 1-5');
  assert.equal(loadConfig({ RETENTION_SCHEDULE: 'off' }).retention.schedule, null);
  assert.equal(loadConfig({ RETENTION_SCHEDULE: 'OFF' }).retention.schedule, null);
});

test('invalid RETENTION_SCHEDULE is rejected', () => {
  for (const value of ['0 3 * *', 'daily', '60 3 * * *', '0 3 31 2 *', '0 3 * * 8']) {
    const problems = problemsOf({ RETENTION_SCHEDULE: value });
    assert.equal(problems.length, 1, value);
    assert.ok((problems[0] ?? '').startsWith(`RETENTION_SCHEDULE="${value}" is invalid`), problems[0]);
  }
});

test('readEnv lets real env win over .env', async () => {
  const folder = await mkdtemp(path.join(tmpdir(), 'cbs-env-'));
  try {
    await writeFile(path.join(folder, '.env'), 'CBS_TEST_ONLY_IN_FILE=from-file\nPATH=/from/file\n');
    const env = readEnv(folder);
    assert.equal(env['CBS_TEST_ONLY_IN_FILE'], 'from-file');
    assert.equal(env['PATH'], process.env['PATH']);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
});
