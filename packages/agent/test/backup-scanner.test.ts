import assert from 'node:assert/strict';
import { createWriteStream } from 'node:fs';
import { appendFile, mkdir, readFile, symlink, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { endsWithCentralDirectory, scanBackups } from '../src/backup-scanner.ts';
import { makeTempDir, writeZip } from './helpers.ts';

describe('scanBackups', () => {
  let dir: string;
  let cleanup: () => Promise<void>;

  beforeEach(async () => {
    ({ dir, cleanup } = await makeTempDir());
  });
  afterEach(() => cleanup());

  it('finds a complete zip', async () => {
    const bytes = await writeZip(path.join(dir, 'store-2026-12-04.zip'));
    const result = await scanBackups(dir, { settleMs: 0 });
    assert.equal(result.complete.length, 1);
    assert.equal(result.complete[0]?.fileName, 'store-2026-12-04.zip');
    assert.equal(result.complete[0]?.sizeBytes, bytes.length);
    assert.deepEqual(result.incomplete, []);
  });

  it('leaves a file being appended to for later', async () => {
    const filePath = path.join(dir, 'growing.zip');
    const bytes = await writeZip(path.join(dir, 'source.zip.part'));
    await writeFile(filePath, bytes.subarray(0, 100));

    // The writer adds bytes between the scanner's two looks, as a backup being written does.
    const result = await scanBackups(dir, {
      settleMs: 50,
      wait: async () => {
        await appendFile(filePath, bytes.subarray(100));
      },
    });
    assert.deepEqual(result.complete, []);
    assert.deepEqual(result.incomplete, [{ filePath, reason: 'changing' }]);

    const next = await scanBackups(dir, { settleMs: 0 });
    assert.equal(next.complete.length, 1);
    assert.equal(next.complete[0]?.filePath, filePath);
  });

  it('leaves a zip whose writer is still streaming', async () => {
    const filePath = path.join(dir, 'streaming.zip');
    const bytes = await writeZip(path.join(dir, 'source.zip.part'), 64 * 1024);
    const writer = createWriteStream(filePath);
    await new Promise<void>((resolve) => writer.write(bytes.subarray(0, 1024), () => resolve()));

    const result = await scanBackups(dir, {
      settleMs: 20,
      wait: async () => {
        await new Promise<void>((resolve) => writer.write(bytes.subarray(1024, 2048), () => resolve()));
      },
    });
    assert.deepEqual(result.incomplete.map((skipped) => skipped.reason), ['changing']);

    // Paused mid-write: the size is stable, but the archive has no end record yet.
    const paused = await scanBackups(dir, { settleMs: 10 });
    assert.deepEqual(paused.incomplete.map((skipped) => skipped.reason), ['no-end-of-central-directory']);

    await new Promise<void>((resolve) => writer.end(bytes.subarray(2048), () => resolve()));
    const done = await scanBackups(dir, { settleMs: 10 });
    assert.equal(done.complete.length, 1);
    assert.equal(done.complete[0]?.sizeBytes, bytes.length);
  });

  it('rejects a truncated zip', async () => {
    const filePath = path.join(dir, 'cut.zip');
    const bytes = await writeZip(filePath);
    await truncate(filePath, bytes.length - 10);

    const result = await scanBackups(dir, { settleMs: 0 });
    assert.deepEqual(result.complete, []);
    assert.deepEqual(result.incomplete, [{ filePath, reason: 'no-end-of-central-directory' }]);
  });

  it('accepts a zip with an archive comment', async () => {
    const filePath = path.join(dir, 'commented.zip');
    const bytes = await writeZip(filePath);
    // Rewrite the EOCD comment length and append the comment, as a zip tool would.
    const comment = Buffer.from('PK\x05\x06 a comment that mentions the signature');
    const withComment = Buffer.concat([bytes, comment]);
    withComment.writeUInt16LE(comment.length, bytes.length - 2);
    await writeFile(filePath, withComment);

    assert.equal(await endsWithCentralDirectory(filePath, withComment.length), true);
  });

  it('ignores non-zip files, symlinks, folders, dotfiles and the state file', async () => {
    await writeZip(path.join(dir, 'real.zip'));
    const zipBytes = await readFile(path.join(dir, 'real.zip'));
    await writeFile(path.join(dir, 'notes.txt'), 'hello');
    await writeFile(path.join(dir, 'cloud-sync.json'), '{}');
    await writeFile(path.join(dir, 'cloud-sync.json.1234.abcd.tmp'), '{}');
    await writeFile(path.join(dir, '.hidden.zip'), zipBytes);
    await writeFile(path.join(dir, '~lock.zip'), zipBytes);
    await writeFile(path.join(dir, 'backup.zip.tmp'), zipBytes);
    await symlink(path.join(dir, 'real.zip'), path.join(dir, 'link.zip'));
    await mkdir(path.join(dir, 'folder.zip'));
    await writeZip(path.join(dir, 'folder.zip', 'nested.zip'));

    const result = await scanBackups(dir, { settleMs: 0 });
    assert.deepEqual(result.complete.map((file) => file.fileName), ['real.zip']);
    assert.deepEqual(result.incomplete, []);
  });

  it('skips an empty zip', async () => {
    await writeFile(path.join(dir, 'empty.zip'), '');
    const result = await scanBackups(dir, { settleMs: 0 });
    assert.deepEqual(result.incomplete.map((skipped) => skipped.reason), ['empty']);
  });
});
