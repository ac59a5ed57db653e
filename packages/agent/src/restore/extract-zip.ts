import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, statfs, utimes } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32 } from 'node:zlib';
import yauzl from 'yauzl';
import type { Locale } from '@cloud-backup-sync/protocol';
import { RestoreError } from './restore-error.ts';
import { assertTargetUsable, removeEmptyTarget, siblingTempPath } from './target-folder.ts';
import { errorDetail, planZipExtraction, type PlannedEntry } from './zip-entries.ts';

export interface ExtractZipOptions {
  locale?: Locale;
  /** Called with the uncompressed bytes written so far and the total. */
  onProgress?: (bytes: number, totalBytes: number) => void;
  signal?: AbortSignal;
}

export interface ExtractZipResult {
  fileCount: number;
  totalBytes: number;
}

/**
 * Extracts a zip into `targetDir`, which must be missing or empty. Every
 * entry is checked before anything is written (see planZipExtraction), the
 * files go into a hidden folder beside the target, and that folder is renamed
 * into place only after every entry's size and CRC-32 matched. On any failure
 * the hidden folder is removed and the target is left as it was.
 */
export async function extractZip(
  zipPath: string,
  targetDir: string,
  options: ExtractZipOptions = {},
): Promise<ExtractZipResult> {
  const locale = options.locale ?? 'es';
  const target = resolve(targetDir);
  await assertTargetUsable(target, locale);

  let zipFile: yauzl.ZipFile;
  try {
    zipFile = await yauzl.openPromise(zipPath, {
      lazyEntries: true,
      autoClose: false,
      decodeStrings: false,
      validateEntrySizes: true,
    });
  } catch (error) {
    throw new RestoreError('INVALID_ZIP', { detail: errorDetail(error) }, locale, { cause: error });
  }

  const workDir = siblingTempPath(target, 'restore');
  try {
    const plan = await planZipExtraction(zipFile, locale);
    await mkdir(dirname(target), { recursive: true });
    await assertEnoughSpace(dirname(target), plan.totalUncompressedBytes, locale);

    await mkdir(workDir);
    let written = 0;
    const report = (bytes: number) => {
      written += bytes;
      options.onProgress?.(written, plan.totalUncompressedBytes);
    };
    options.onProgress?.(0, plan.totalUncompressedBytes);
    for (const planned of plan.entries) {
      if (options.signal?.aborted) throw new RestoreError('RESTORE_ABORTED', {}, locale);
      await writeEntry(zipFile, planned, workDir, report, options.signal, locale);
    }

    await assertTargetUsable(target, locale);
    await removeEmptyTarget(target, locale);
    await rename(workDir, target);
    return { fileCount: plan.fileCount, totalBytes: plan.totalUncompressedBytes };
  } finally {
    zipFile.close();
    await rm(workDir, { recursive: true, force: true });
  }
}

async function writeEntry(
  zipFile: yauzl.ZipFile,
  planned: PlannedEntry,
  workDir: string,
  report: (bytes: number) => void,
  signal: AbortSignal | undefined,
  locale: Locale,
): Promise<void> {
  const destination = join(workDir, ...planned.path.split('/'));
  if (planned.isDirectory) {
    await mkdir(destination, { recursive: true });
    return;
  }

  await mkdir(dirname(destination), { recursive: true });
  const crcCheck = new Crc32Stream(report);
  try {
    const source = await zipFile.openReadStreamPromise(planned.entry);
    // 'wx' fails instead of overwriting: the plan already rejected duplicates, so this is a second guard.
    await pipeline(source, crcCheck, createWriteStream(destination, { flags: 'wx' }), { signal });
  } catch (error) {
    if (signal?.aborted) throw new RestoreError('RESTORE_ABORTED', {}, locale, { cause: error });
    throw new RestoreError('ENTRY_CORRUPT', { entry: planned.path, detail: errorDetail(error) }, locale, {
      cause: error,
    });
  }

  const expected = planned.entry.crc32 >>> 0;
  if (crcCheck.value !== expected) {
    throw new RestoreError(
      'ENTRY_CRC_MISMATCH',
      { entry: planned.path, actual: hex32(crcCheck.value), expected: hex32(expected) },
      locale,
    );
  }

  const modified = planned.entry.getLastModDate();
  if (!Number.isNaN(modified.getTime())) await utimes(destination, modified, modified);
}

/** Computes the CRC-32 of the bytes passing through; yauzl itself does not check it. */
class Crc32Stream extends Transform {
  value = 0;
  readonly #report: (bytes: number) => void;

  constructor(report: (bytes: number) => void) {
    super();
    this.#report = report;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.value = crc32(chunk, this.value);
    this.#report(chunk.length);
    callback(null, chunk);
  }
}

async function assertEnoughSpace(folder: string, requiredBytes: number, locale: Locale): Promise<void> {
  const stats = await statfs(folder);
  const availableBytes = stats.bavail * stats.bsize;
  if (requiredBytes > availableBytes) {
    throw new RestoreError(
      'NOT_ENOUGH_SPACE',
      { required: requiredBytes, available: availableBytes, path: folder },
      locale,
    );
  }
}

function hex32(value: number): string {
  return value.toString(16).padStart(8, '0');
}
