import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { extractZip, RestoreError } from '@cloud-backup-sync/agent';
import {
  buildZip,
  clearGeneralPurposeFlag,
  replaceBytes,
  setCompressionMethod,
  setDeclaredUncompressedSize,
  setGeneralPurposeFlag,
} from './zip-builder.ts';

let root: string;
let counter = 0;

/** General purpose flag bit 11: the entry's name is UTF-8. */
const UTF8_FLAG = 0x800;

/** Returns a skip reason when Info-ZIP `zip` is not installed. */
function infoZipMissing(): string | false {
  try {
    execFileSync('zip', ['-v'], { stdio: 'ignore' });
    return false;
  } catch {
    // execFileSync throws ENOENT when the program does not exist.
    return 'Info-ZIP zip is not installed';
  }
}

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'extract-zip-test-'));
});

after(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A fresh parent folder holding `backup.zip`; returns the zip path and a target path beside it. */
async function stage(zip: Buffer): Promise<{ parent: string; zipPath: string; target: string }> {
  counter += 1;
  const parent = join(root, `case-${counter}`);
  await mkdir(parent);
  const zipPath = join(parent, 'backup.zip');
  await writeFile(zipPath, zip);
  return { parent, zipPath, target: join(parent, 'restored') };
}

/** Asserts the extraction failed with `code`, and left neither the target nor a temporary folder. */
async function assertRejected(zip: Buffer, code: string, entry?: string): Promise<void> {
  const { parent, zipPath, target } = await stage(zip);
  await assert.rejects(extractZip(zipPath, target, { locale: 'en' }), (error: unknown) => {
    assert.ok(error instanceof RestoreError, `expected RestoreError, got ${String(error)}`);
    assert.equal(error.code, code);
    if (entry !== undefined) {
      assert.equal(error.params.entry, entry);
      assert.match(error.message, new RegExp(entry.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    }
    return true;
  });
  assert.deepEqual(await readdir(parent), ['backup.zip']);
}

describe('extractZip', () => {
  test('extracts files, folders and accented names', async () => {
    const big = Buffer.alloc(300_000, 7);
    const zip = await buildZip([
      { name: 'ventas.db', data: 'SQLite format 3\0 fake' },
      { name: 'fotos/', directory: true },
      { name: 'vacía/', directory: true },
      { name: 'fotos/Ñandú café.jpg', data: big, compress: false },
      { name: 'informes/2026/enero.csv', data: 'a,b\n1,2\n' },
    ]);
    const { zipPath, target } = await stage(zip);

    const progress: number[] = [];
    const result = await extractZip(zipPath, target, { onProgress: (bytes) => progress.push(bytes) });

    assert.equal(result.fileCount, 3);
    assert.equal(await readFile(join(target, 'ventas.db'), 'utf8'), 'SQLite format 3\0 fake');
    assert.deepEqual(await readFile(join(target, 'fotos', 'Ñandú café.jpg')), big);
    assert.equal(await readFile(join(target, 'informes', '2026', 'enero.csv'), 'utf8'), 'a,b\n1,2\n');
    assert.ok((await stat(join(target, 'vacía'))).isDirectory());
    assert.equal(progress.at(-1), result.totalBytes);
  });

  test('reads unflagged UTF-8 names as UTF-8', async () => {
    const flagged = await buildZip([{ name: 'informes/inventario_café.csv', data: 'a,b\n' }]);
    const zip = clearGeneralPurposeFlag(flagged, UTF8_FLAG);
    const { zipPath, target } = await stage(zip);

    await extractZip(zipPath, target);
    assert.deepEqual(await readdir(join(target, 'informes')), ['inventario_café.csv']);
  });

  test('reads non-UTF-8 names as CP437', async () => {
    // 0x82 is "é" in CP437 and cannot stand alone in UTF-8.
    const zip = clearGeneralPurposeFlag(replaceBytes(await buildZip([{ name: 'caf_.csv', data: 'x' }]), 'caf_.csv', Buffer.from('caf\x82.csv', 'latin1')), UTF8_FLAG);
    const { zipPath, target } = await stage(zip);

    await extractZip(zipPath, target);
    assert.deepEqual(await readdir(target), ['café.csv']);
  });

  test('rejects a parent segment in an unflagged UTF-8 name', async () => {
    const zip = clearGeneralPurposeFlag(replaceBytes(await buildZip([{ name: 'ab/cd/evil.txt', data: 'x' }]), 'ab/cd/evil.txt', 'é/../evil.txt'), UTF8_FLAG);
    await assertRejected(zip, 'ENTRY_PARENT_SEGMENT', 'é/../evil.txt');
  });

  test('restores accented names from Info-ZIP zip', { skip: infoZipMissing() }, async () => {
    const source = join(root, 'info-zip-source');
    await mkdir(source);
    await writeFile(join(source, 'inventario_café.csv'), 'a,b\n');
    const zipPath = join(root, 'info-zip.zip');
    // -X leaves out the extra fields; Info-ZIP 3.0 on Linux writes the UTF-8 name without bit 11 either way.
    execFileSync('zip', ['-q', '-X', zipPath, 'inventario_café.csv'], { cwd: source, env: { ...process.env, LC_ALL: 'C.UTF-8' } });
    const target = join(root, 'info-zip-restored');

    await extractZip(zipPath, target);
    assert.deepEqual(await readdir(target), ['inventario_café.csv']);
  });

  test('accepts an existing empty target', async () => {
    const { zipPath, target } = await stage(await buildZip([{ name: 'a.txt', data: 'a' }]));
    await mkdir(target);
    await extractZip(zipPath, target);
    assert.equal(await readFile(join(target, 'a.txt'), 'utf8'), 'a');
  });

  test('rejects a non-empty target', async () => {
    const { zipPath, target } = await stage(await buildZip([{ name: 'a.txt', data: 'a' }]));
    await mkdir(target);
    await writeFile(join(target, 'keep.txt'), 'keep');
    await assert.rejects(extractZip(zipPath, target), { code: 'TARGET_NOT_EMPTY' });
    assert.deepEqual(await readdir(target), ['keep.txt']);
  });

  test('rejects a target that is a file', async () => {
    const { zipPath, target } = await stage(await buildZip([{ name: 'a.txt', data: 'a' }]));
    await writeFile(target, 'file');
    await assert.rejects(extractZip(zipPath, target), { code: 'TARGET_NOT_DIRECTORY' });
  });

  test('rejects a parent-directory entry', async () => {
    const zip = replaceBytes(await buildZip([{ name: 'ok/ok/evil.txt', data: 'x' }]), 'ok/ok/evil.txt', '../../evil.txt');
    await assertRejected(zip, 'ENTRY_PARENT_SEGMENT', '../../evil.txt');
  });

  test('rejects a nested parent-directory entry', async () => {
    const zip = replaceBytes(await buildZip([{ name: 'a/bb/c.txt', data: 'x' }]), 'a/bb/c.txt', 'a/../c.txt');
    await assertRejected(zip, 'ENTRY_PARENT_SEGMENT', 'a/../c.txt');
  });

  test('rejects an absolute entry', async () => {
    const zip = replaceBytes(await buildZip([{ name: 'tmp/evil.txt', data: 'x' }]), 'tmp/evil.txt', '/tmp/evil.tx');
    await assertRejected(zip, 'ENTRY_ABSOLUTE_PATH', '/tmp/evil.tx');
  });

  test('rejects a drive-letter entry', async () => {
    const zip = replaceBytes(await buildZip([{ name: 'xx/evil.txt', data: 'x' }]), 'xx/evil.txt', 'C:/evil.txt');
    await assertRejected(zip, 'ENTRY_DRIVE_LETTER', 'C:/evil.txt');
  });

  test('rejects a backslash separator', async () => {
    const zip = replaceBytes(await buildZip([{ name: 'dir/evil.txt', data: 'x' }]), 'dir/evil.txt', 'dir\\evil.txt');
    await assertRejected(zip, 'ENTRY_BACKSLASH', 'dir\\evil.txt');
  });

  test('rejects a backslash parent escape', async () => {
    const zip = replaceBytes(await buildZip([{ name: 'aa/aa/evil.txt', data: 'x' }]), 'aa/aa/evil.txt', '..\\..\\evil.txt');
    await assertRejected(zip, 'ENTRY_BACKSLASH', '..\\..\\evil.txt');
  });

  test('rejects an empty path segment', async () => {
    const zip = replaceBytes(await buildZip([{ name: 'ab/c.txt', data: 'x' }]), 'ab/c.txt', 'a//c.txt');
    await assertRejected(zip, 'ENTRY_EMPTY_SEGMENT', 'a//c.txt');
  });

  test('rejects a control character in a name', async () => {
    const zip = replaceBytes(await buildZip([{ name: 'abc.txt', data: 'x' }]), 'abc.txt', 'a\u0000c.txt');
    await assertRejected(zip, 'ENTRY_INVALID_CHARACTER');
  });

  test('rejects a symlink entry', async () => {
    const zip = await buildZip([
      { name: 'a.txt', data: 'a' },
      { name: 'passwd', data: '/etc/passwd', mode: 0o120777 },
    ]);
    await assertRejected(zip, 'ENTRY_NOT_REGULAR', 'passwd');
  });

  test('rejects a fifo entry', async () => {
    await assertRejected(await buildZip([{ name: 'pipe', data: '', mode: 0o010644 }]), 'ENTRY_NOT_REGULAR', 'pipe');
  });

  test('rejects duplicate names', async () => {
    const zip = await buildZip([
      { name: 'ventas.db', data: 'first' },
      { name: 'ventas.db', data: 'second' },
    ]);
    await assertRejected(zip, 'ENTRY_DUPLICATE', 'ventas.db');
  });

  test('rejects names equal after normalization', async () => {
    const zip = await buildZip([
      { name: 'Ñandú.txt'.normalize('NFC'), data: 'composed' },
      { name: 'Ñandú.txt'.normalize('NFD'), data: 'decomposed' },
    ]);
    await assertRejected(zip, 'ENTRY_DUPLICATE');
  });

  test('rejects a file used as a folder', async () => {
    const zip = await buildZip([
      { name: 'datos', data: 'a file' },
      { name: 'datos/ventas.db', data: 'inside' },
    ]);
    await assertRejected(zip, 'ENTRY_DUPLICATE', 'datos/ventas.db');
  });

  test('rejects an encrypted entry', async () => {
    const zip = setGeneralPurposeFlag(await buildZip([{ name: 'secret.db', data: 'x'.repeat(100) }]), 0x1);
    await assertRejected(zip, 'ENTRY_ENCRYPTED', 'secret.db');
  });

  test('rejects an unsupported compression method', async () => {
    const zip = setCompressionMethod(await buildZip([{ name: 'data.bin', data: 'x'.repeat(100) }]), 12);
    await assertRejected(zip, 'ENTRY_UNSUPPORTED_COMPRESSION', 'data.bin');
  });

  test('rejects a CRC mismatch', async () => {
    const zip = replaceBytes(
      await buildZip([{ name: 'ventas.csv', data: 'total,1000\n', compress: false }]),
      'total,1000',
      'total,9000',
    );
    await assertRejected(zip, 'ENTRY_CRC_MISMATCH', 'ventas.csv');
  });

  test('rejects an entry longer than declared', async () => {
    const zip = setDeclaredUncompressedSize(await buildZip([{ name: 'bomb.bin', data: Buffer.alloc(100_000) }]), 10);
    await assertRejected(zip, 'ENTRY_CORRUPT', 'bomb.bin');
  });

  test('rejects a file that is not a zip', async () => {
    await assertRejected(Buffer.from('this is not a zip file at all'), 'INVALID_ZIP');
  });

  test('leaves nothing behind after a late failure', async () => {
    const good = await buildZip([
      { name: 'first.txt', data: 'first file is fine', compress: false },
      { name: 'second.txt', data: 'second file breaks', compress: false },
    ]);
    const zip = replaceBytes(good, 'second file breaks', 'second file BROKEN');
    await assertRejected(zip, 'ENTRY_CRC_MISMATCH', 'second.txt');
  });

  test('messages name the entry in Spanish', async () => {
    const zip = await buildZip([{ name: 'enlace', data: '/etc', mode: 0o120777 }]);
    const { zipPath, target } = await stage(zip);
    await assert.rejects(extractZip(zipPath, target, { locale: 'es' }), /La entrada "enlace" del zip es symlink/);
  });
});
