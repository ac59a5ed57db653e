import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile, readdir, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { CloudBackupSync } from '../src/cloud-backup-sync.ts';
import { FINGERPRINT_CACHE_FILE_NAME } from '../src/fingerprint-cache.ts';
import type { CloudSyncProgressEvent, SyncPassSummary } from '../src/sync-events.ts';
import { WARN, captureLogger, makeTempDir, silentLogger, writeZip } from './helpers.ts';

describe('fingerprint cache', () => {
  let dir: string;
  let cleanup: () => Promise<void>;

  beforeEach(async () => {
    ({ dir, cleanup } = await makeTempDir());
  });
  afterEach(() => cleanup());

  /**
   * Writes backups already recorded as uploaded, the case of a folder of months of backups.
   * Pending entries would not do: a pending entry with the same path and size skips hashing anyway.
   */
  async function writeUploadedZips(names: string[]): Promise<void> {
    const uploadedBackups: string[] = [];
    for (const name of names) {
      const bytes = await writeZip(path.join(dir, name));
      uploadedBackups.push(createHash('sha256').update(bytes).digest('hex'));
    }
    const state = { lastSyncAt: null, pendingBackups: [], uploadedBackups, failedBackups: [] };
    await writeFile(path.join(dir, 'cloud-sync.json'), JSON.stringify(state));
  }

  /** Runs one pass of a new agent on `dir` and returns the files it hashed and its summary. */
  async function passOfNewAgent(logger = silentLogger()): Promise<{ hashed: Set<string>; summary: SyncPassSummary }> {
    const events: CloudSyncProgressEvent[] = [];
    const sync = new CloudBackupSync({ backupsDir: dir, storeId: 'store-1', logger, settleMs: 0, onProgress: (event) => events.push(event) });
    await sync.syncNow();
    const hashed = new Set(events.flatMap((event) => (event.type === 'hashing' ? [path.basename(event.filePath)] : [])));
    const summary = events.flatMap((event) => (event.type === 'pass-finished' ? [event.summary] : []))[0];
    assert.ok(summary);
    return { hashed, summary };
  }

  it('restart hashes no unchanged file', async () => {
    await writeUploadedZips(['a.zip', 'b.zip']);
    const first = await passOfNewAgent();
    assert.deepEqual([...first.hashed].sort(), ['a.zip', 'b.zip']);
    assert.equal(first.summary.alreadyUploaded, 2);

    const second = await passOfNewAgent();
    assert.deepEqual([...second.hashed], []);
    assert.equal(second.summary.scanned, 2, 'the cache file itself is not scanned as a backup');
    assert.equal(second.summary.alreadyUploaded, 2);
  });

  it('restart hashes new and changed files only', async () => {
    await writeUploadedZips(['a.zip', 'b.zip']);
    await passOfNewAgent();

    await writeZip(path.join(dir, 'c.zip'));
    const later = new Date(Date.now() + 10_000);
    await utimes(path.join(dir, 'b.zip'), later, later);
    const second = await passOfNewAgent();
    assert.deepEqual([...second.hashed].sort(), ['b.zip', 'c.zip']);
  });

  it('writes the documented format', async () => {
    const bytes = await writeZip(path.join(dir, 'a.zip'));
    await passOfNewAgent();

    const cache = JSON.parse(await readFile(path.join(dir, FINGERPRINT_CACHE_FILE_NAME), 'utf8')) as Record<string, Record<string, unknown>>;
    const entry = cache[path.join(dir, 'a.zip')];
    assert.equal(entry?.sizeBytes, bytes.length);
    assert.equal(typeof entry?.mtimeMs, 'number');
    assert.match(String(entry?.sha256), /^[0-9a-f]{64}$/);
    assert.deepEqual((await readdir(dir)).filter((name) => name.endsWith('.tmp')), [], 'no temporary file is left behind');
  });

  it('rebuilds a corrupt cache file', async () => {
    await writeUploadedZips(['a.zip']);
    await writeFile(path.join(dir, FINGERPRINT_CACHE_FILE_NAME), '{"broken": ');

    const { logger, records } = captureLogger();
    const rebuilt = await passOfNewAgent(logger);
    assert.deepEqual([...rebuilt.hashed], ['a.zip']);
    assert.ok(records.some((record) => record.level === WARN && record.msg.includes('fingerprint cache is corrupt')));

    const after = await passOfNewAgent();
    assert.deepEqual([...after.hashed], []);
  });

  it('ignores a cached hash whose size differs', async () => {
    const filePath = path.join(dir, 'a.zip');
    await writeUploadedZips(['a.zip']);
    await passOfNewAgent();

    // Same mtime, other size: the fingerprint no longer describes the file.
    const cachePath = path.join(dir, FINGERPRINT_CACHE_FILE_NAME);
    const cache = JSON.parse(await readFile(cachePath, 'utf8')) as Record<string, { sizeBytes: number }>;
    const entry = cache[filePath];
    assert.ok(entry);
    entry.sizeBytes += 1;
    await writeFile(cachePath, JSON.stringify(cache));

    const second = await passOfNewAgent();
    assert.deepEqual([...second.hashed], ['a.zip']);
  });
});
