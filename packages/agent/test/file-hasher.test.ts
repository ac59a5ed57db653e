import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { HASH_CHUNK_BYTES, hashFile } from '../src/file-hasher.ts';
import { makeTempDir } from './helpers.ts';

describe('hashFile', () => {
  let dir: string;
  let cleanup: () => Promise<void>;

  beforeEach(async () => {
    ({ dir, cleanup } = await makeTempDir());
  });
  afterEach(() => cleanup());

  it('matches the SHA-256 of the whole file', async () => {
    const bytes = randomBytes(HASH_CHUNK_BYTES * 2 + 123);
    const filePath = path.join(dir, 'a.zip');
    await writeFile(filePath, bytes);
    const progress: Array<[number, number]> = [];

    const result = await hashFile(filePath, { onProgress: ({ bytesDone, bytesTotal }) => progress.push([bytesDone, bytesTotal]) });

    assert.equal(result.sha256, createHash('sha256').update(bytes).digest('hex'));
    assert.equal(result.sizeBytes, bytes.length);
    assert.deepEqual(progress, [
      [HASH_CHUNK_BYTES, bytes.length],
      [HASH_CHUNK_BYTES * 2, bytes.length],
      [bytes.length, bytes.length],
    ]);
  });

  it('rejects a missing file with ENOENT', async () => {
    await assert.rejects(hashFile(path.join(dir, 'missing.zip')), { code: 'ENOENT' });
  });

  it('stops when the signal aborts', async () => {
    const filePath = path.join(dir, 'a.zip');
    await writeFile(filePath, randomBytes(1000));
    await assert.rejects(hashFile(filePath, { signal: AbortSignal.abort() }), { name: 'AbortError' });
  });
});
