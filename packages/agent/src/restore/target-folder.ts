import { randomBytes } from 'node:crypto';
import { readdir, rmdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Locale } from '@cloud-backup-sync/protocol';
import { RestoreError } from './restore-error.ts';

/** Throws unless `targetDir` is missing or an empty folder. */
export async function assertTargetUsable(targetDir: string, locale: Locale): Promise<void> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(targetDir)).isDirectory();
  } catch (error) {
    if (isNodeError(error) && error.code === 'ENOENT') return;
    throw error;
  }

  if (!isDirectory) throw new RestoreError('TARGET_NOT_DIRECTORY', { path: targetDir }, locale);
  if ((await readdir(targetDir)).length > 0) throw new RestoreError('TARGET_NOT_EMPTY', { path: targetDir }, locale);
}

/**
 * Returns a hidden path beside the target, on the same file system, so that
 * the final rename is atomic and a failed restore leaves only this path to remove.
 */
export function siblingTempPath(targetDir: string, purpose: string): string {
  const suffix = randomBytes(6).toString('hex');
  return join(dirname(targetDir), `.${basename(targetDir)}.${purpose}-${suffix}`);
}

/** Removes an empty target folder so that a rename can take its place. */
export async function removeEmptyTarget(targetDir: string, locale: Locale): Promise<void> {
  try {
    await rmdir(targetDir);
  } catch (error) {
    if (isNodeError(error) && error.code === 'ENOENT') return;
    if (isNodeError(error) && (error.code === 'ENOTEMPTY' || error.code === 'EEXIST')) {
      throw new RestoreError('TARGET_NOT_EMPTY', { path: targetDir }, locale, { cause: error });
    }
    if (isNodeError(error) && error.code === 'ENOTDIR') {
      throw new RestoreError('TARGET_NOT_DIRECTORY', { path: targetDir }, locale, { cause: error });
    }
    throw error;
  }
}

export function isNodeError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && 'code' in error;
}
