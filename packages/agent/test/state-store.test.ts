import assert from 'node:assert/strict';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { emptySyncState, syncStateSchema, type SyncState } from '@cloud-backup-sync/protocol';
import { StateStore } from '../src/state-store.ts';
import { WARN, captureLogger, makeTempDir, silentLogger } from './helpers.ts';

const SHA_A = 'a'.repeat(64);
const SHA_B = 'b'.repeat(64);

function sampleState(index: number): SyncState {
  return {
    lastSyncAt: new Date(Date.UTC(2026, 11, 4, 12, 0, index)).toISOString(),
    pendingBackups: [
      {
        filePath: `/backups/store-${index}.zip`,
        sha256: SHA_A,
        sizeBytes: 1000 + index,
        storeId: 'store-1',
        addedAt: '2026-12-04T12:00:00.000Z',
        retries: index % 3,
        ...(index % 2 === 0 ? { lastError: 'NETWORK_ERROR: fetch failed' } : {}),
      },
    ],
    uploadedBackups: Array.from({ length: index }, (_, n) => n.toString(16).padStart(64, '0')),
    failedBackups: [
      { filePath: '/backups/bad.zip', sha256: SHA_B, error: 'STORE_NOT_FOUND: no store', failedAt: '2026-12-04T12:00:00.000Z', retries: 1 },
    ],
  };
}

describe('StateStore', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  const now = () => new Date('2026-12-04T19:00:00.000Z');

  beforeEach(async () => {
    ({ dir, cleanup } = await makeTempDir());
  });
  afterEach(() => cleanup());

  it('loads an empty state when no file exists', () => {
    const store = new StateStore({ backupsDir: dir, logger: silentLogger(), now });
    assert.deepEqual(store.loadSync(), { state: emptySyncState(), recovered: false });
  });

  it('writes exactly the SyncState fields', async () => {
    const store = new StateStore({ backupsDir: dir, logger: silentLogger(), now });
    const state = sampleState(2);
    const withExtra = { ...state, extra: 'dropped', pendingBackups: state.pendingBackups.map((entry) => ({ ...entry, nextAttemptAt: 5 })) };
    await store.save(withExtra);

    const json: unknown = JSON.parse(await readFile(path.join(dir, 'cloud-sync.json'), 'utf8'));
    assert.equal(typeof json, 'object');
    assert.ok(json !== null);
    assert.ok(typeof json === 'object');
    assert.deepEqual(Object.keys(json), ['lastSyncAt', 'pendingBackups', 'uploadedBackups', 'failedBackups']);
    const parsed = syncStateSchema.parse(json);
    assert.deepEqual(Object.keys(parsed.pendingBackups[0] ?? {}), ['filePath', 'sha256', 'sizeBytes', 'storeId', 'addedAt', 'retries', 'lastError']);
    assert.deepEqual(Object.keys(parsed.failedBackups[0] ?? {}), ['filePath', 'sha256', 'error', 'failedAt', 'retries']);
    assert.deepEqual(parsed, state);
  });

  it('omits lastError when unset', async () => {
    const store = new StateStore({ backupsDir: dir, logger: silentLogger(), now });
    await store.save(sampleState(1));
    const text = await readFile(path.join(dir, 'cloud-sync.json'), 'utf8');
    assert.equal(text.includes('lastError'), false);
  });

  it('keeps the file complete across many concurrent writes', async () => {
    const store = new StateStore({ backupsDir: dir, logger: silentLogger(), now });
    const filePath = path.join(dir, 'cloud-sync.json');
    const writes: Promise<void>[] = [];
    const reads: Promise<void>[] = [];

    for (let index = 0; index < 200; index += 1) {
      writes.push(store.save(sampleState(index)));
      // Read while writes are in flight: the file must never be partial.
      if (index % 10 === 5) {
        reads.push(
          readFile(filePath, 'utf8').then(
            (text) => {
              syncStateSchema.parse(JSON.parse(text));
            },
            (error: unknown) => {
              // Before the first rename completes there is no file yet.
              assert.ok(error instanceof Error);
              assert.equal(Reflect.get(error, 'code'), 'ENOENT');
            },
          ),
        );
      }
    }
    await Promise.all([...writes, ...reads]);

    const final = syncStateSchema.parse(JSON.parse(await readFile(filePath, 'utf8')));
    assert.deepEqual(final, sampleState(199));
    assert.deepEqual(await readdir(dir), ['cloud-sync.json']);
  });

  it('round-trips a saved state', async () => {
    const store = new StateStore({ backupsDir: dir, logger: silentLogger(), now });
    await store.save(sampleState(3));
    const reloaded = new StateStore({ backupsDir: dir, logger: silentLogger(), now }).loadSync();
    assert.deepEqual(reloaded, { state: sampleState(3), recovered: false });
  });

  it('moves a corrupt file aside with a warning', async () => {
    const filePath = path.join(dir, 'cloud-sync.json');
    await writeFile(filePath, '{"lastSyncAt": null, "pendingBack');
    const { logger, records } = captureLogger();
    const loaded = new StateStore({ backupsDir: dir, logger, now }).loadSync();

    assert.equal(loaded.recovered, true);
    assert.deepEqual(loaded.state, emptySyncState());
    assert.equal(loaded.corruptPath, `${filePath}.corrupt-2026-12-04T19-00-00-000Z`);
    assert.deepEqual((await readdir(dir)).sort(), ['cloud-sync.json.corrupt-2026-12-04T19-00-00-000Z']);
    assert.equal(await readFile(loaded.corruptPath ?? '', 'utf8'), '{"lastSyncAt": null, "pendingBack');
    assert.equal(records.filter((record) => record.level === WARN).length, 1);
  });

  it('treats a schema-invalid file as corrupt', async () => {
    const filePath = path.join(dir, 'cloud-sync.json');
    const invalid = { lastSyncAt: null, pendingBackups: [{ filePath: '/x.zip', retries: -1 }], uploadedBackups: [], failedBackups: [] };
    await writeFile(filePath, JSON.stringify(invalid));
    const { logger, records } = captureLogger();
    const loaded = new StateStore({ backupsDir: dir, logger, now }).loadSync();

    assert.equal(loaded.recovered, true);
    assert.deepEqual(loaded.state, emptySyncState());
    assert.deepEqual(await readdir(dir), ['cloud-sync.json.corrupt-2026-12-04T19-00-00-000Z']);
    const warning = records.find((record) => record.level === WARN);
    assert.match(String(warning?.reason), /SyncState schema/);
  });
});
