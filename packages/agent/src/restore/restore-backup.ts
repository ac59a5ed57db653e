import { mkdir, rm, statfs } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { CloudBackup, Locale } from '@cloud-backup-sync/protocol';
import type { ApiClient } from '../api-client.ts';
import { DownloadError, downloadToFile, DownloadTooLargeError, type DownloadResult } from './download-file.ts';
import { extractZip } from './extract-zip.ts';
import { RestoreError } from './restore-error.ts';
import { assertTargetUsable, siblingTempPath } from './target-folder.ts';
import { errorDetail } from './zip-entries.ts';

export interface RestoreProgress {
  phase: 'download' | 'extract';
  bytes: number;
  totalBytes: number;
}

/** Backup to restore: one by id, or the newest AVAILABLE one of a store. */
export type RestoreSource = { backupId: string } | { storeId: string; latest: true };

export type RestoreOptions = RestoreSource & {
  client: ApiClient;
  /** Folder to create; it must not exist yet or be empty. */
  targetDir: string;
  /** Language of RestoreError messages; Spanish when missing. */
  locale?: Locale;
  /** Called once the backup is chosen, before the download starts. */
  onBackupChosen?: (backup: CloudBackup) => void;
  onProgress?: (progress: RestoreProgress) => void;
  signal?: AbortSignal;
};

export interface RestoreResult {
  backup: CloudBackup;
  targetDir: string;
  fileCount: number;
  totalBytes: number;
}

/**
 * Downloads a backup through a presigned URL, verifies its size and SHA-256
 * against the listing, and extracts it into `targetDir`. The zip goes to a
 * hidden file beside the target and is removed afterwards. The target appears
 * only when every check passed (see extractZip), so a failure at any step
 * leaves nothing half-restored.
 */
export async function restoreBackup(options: RestoreOptions): Promise<RestoreResult> {
  const locale = options.locale ?? 'es';
  const targetDir = resolve(options.targetDir);
  await assertTargetUsable(targetDir, locale);

  const backup = await chooseBackup(options, locale);
  options.onBackupChosen?.(backup);

  await mkdir(dirname(targetDir), { recursive: true });
  await assertSpaceForDownload(dirname(targetDir), backup.sizeBytes, locale);

  const zipPath = `${siblingTempPath(targetDir, 'download')}.zip`;
  try {
    await downloadVerified(options, backup, zipPath, locale);
    const extracted = await extractZip(zipPath, targetDir, {
      locale,
      signal: options.signal,
      onProgress: (bytes, totalBytes) => options.onProgress?.({ phase: 'extract', bytes, totalBytes }),
    });
    return { backup, targetDir, fileCount: extracted.fileCount, totalBytes: extracted.totalBytes };
  } finally {
    await rm(zipPath, { force: true });
  }
}

async function chooseBackup(options: RestoreOptions, locale: Locale): Promise<CloudBackup> {
  if ('backupId' in options) {
    const { backups } = await options.client.listBackups();
    const backup = backups.find((candidate) => candidate.id === options.backupId);
    if (!backup) throw new RestoreError('BACKUP_NOT_FOUND', { backupId: options.backupId }, locale);
    if (backup.status !== 'AVAILABLE') {
      throw new RestoreError('BACKUP_NOT_AVAILABLE', { backupId: backup.id, status: backup.status }, locale);
    }
    return backup;
  }

  const { backups } = await options.client.listBackups(options.storeId);
  const newest = backups
    .filter((candidate) => candidate.storeId === options.storeId && candidate.status === 'AVAILABLE')
    .sort((a, b) => uploadedTime(b) - uploadedTime(a))[0];
  if (!newest) throw new RestoreError('NO_AVAILABLE_BACKUP', { storeId: options.storeId }, locale);
  return newest;
}

function uploadedTime(backup: CloudBackup): number {
  const time = Date.parse(backup.uploadedAt ?? backup.createdAt);
  return Number.isNaN(time) ? 0 : time;
}

async function downloadVerified(
  options: RestoreOptions,
  backup: CloudBackup,
  zipPath: string,
  locale: Locale,
): Promise<void> {
  const reportDownload = (bytes: number) =>
    options.onProgress?.({ phase: 'download', bytes, totalBytes: backup.sizeBytes });
  reportDownload(0);

  let downloaded;
  try {
    downloaded = await downloadWithFreshUrl(options, backup, zipPath, reportDownload);
  } catch (error) {
    if (options.signal?.aborted) throw new RestoreError('RESTORE_ABORTED', {}, locale, { cause: error });
    if (error instanceof DownloadTooLargeError) {
      const params = { backupId: backup.id, actual: `> ${backup.sizeBytes}`, expected: backup.sizeBytes };
      throw new RestoreError('SIZE_MISMATCH', params, locale, { cause: error });
    }
    throw new RestoreError('DOWNLOAD_FAILED', { backupId: backup.id, detail: errorDetail(error) }, locale, {
      cause: error,
    });
  }

  if (downloaded.sizeBytes !== backup.sizeBytes) {
    const params = { backupId: backup.id, actual: downloaded.sizeBytes, expected: backup.sizeBytes };
    throw new RestoreError('SIZE_MISMATCH', params, locale);
  }
  if (downloaded.sha256 !== backup.sha256.toLowerCase()) {
    const params = { backupId: backup.id, actual: downloaded.sha256, expected: backup.sha256 };
    throw new RestoreError('CHECKSUM_MISMATCH', params, locale);
  }
}

/**
 * Downloads through a presigned URL and, when storage answers 403 (the URL
 * expired, for example after a long wait or with a skewed clock), requests a
 * new URL once and tries again. A 403 before any byte arrived leaves no file,
 * so the second attempt starts clean.
 */
async function downloadWithFreshUrl(
  options: RestoreOptions,
  backup: CloudBackup,
  zipPath: string,
  reportDownload: (bytes: number) => void,
): Promise<DownloadResult> {
  const first = await options.client.requestDownload(backup.id);
  try {
    return await downloadToFile(first.downloadUrl, zipPath, backup.sizeBytes, reportDownload, options.signal);
  } catch (error) {
    if (!(error instanceof DownloadError && error.status === 403)) throw error;
  }

  const second = await options.client.requestDownload(backup.id);
  return downloadToFile(second.downloadUrl, zipPath, backup.sizeBytes, reportDownload, options.signal);
}

async function assertSpaceForDownload(folder: string, sizeBytes: number, locale: Locale): Promise<void> {
  const stats = await statfs(folder);
  const availableBytes = stats.bavail * stats.bsize;
  if (sizeBytes > availableBytes) {
    throw new RestoreError('NOT_ENOUGH_SPACE', { required: sizeBytes, available: availableBytes, path: folder }, locale);
  }
}
