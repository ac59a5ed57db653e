import type { Stats } from 'node:fs';
import { lstat, open, readdir } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SYNC_STATE_FILE_NAME } from '@cloud-backup-sync/protocol';

/** A `.zip` that looks finished, because its size and mtime did not change and it ends with an End Of Central Directory record. */
export interface ScannedBackup {
  filePath: string;
  fileName: string;
  sizeBytes: number;
  mtimeMs: number;
}

/** A `.zip` left for a later pass, with the reason. */
export interface SkippedBackup {
  filePath: string;
  reason: 'changing' | 'no-end-of-central-directory' | 'empty' | 'vanished';
}

/** A `.zip` that stopped changing long ago but is empty or lacks an End Of Central Directory: not a finished zip. */
export interface InvalidBackup {
  filePath: string;
  reason: 'no-end-of-central-directory' | 'empty';
  sizeBytes: number;
  mtimeMs: number;
}

/** A `.zip` whose size or last bytes could not be read (EACCES, EIO, …). */
export interface UnreadableBackup {
  filePath: string;
  error: Error;
}

export interface ScanResult {
  complete: ScannedBackup[];
  incomplete: SkippedBackup[];
  invalid: InvalidBackup[];
  unreadable: UnreadableBackup[];
}

export interface ScanOptions {
  /** Milliseconds between the two stats of each file's size and mtime. 0 skips the wait. */
  settleMs: number;
  /** Waits between the two stats. Tests replace it to change a file at that moment. */
  wait?: (ms: number) => Promise<void>;
  /**
   * Milliseconds since its mtime after which an empty file or one without an End Of Central
   * Directory is `invalid` rather than `incomplete`. Without it such files are always `incomplete`.
   */
  corruptAfterMs?: number;
  /** Current time in epoch milliseconds, compared with mtimes; `Date.now` by default. */
  now?: () => number;
}

/** Signature of a zip's End Of Central Directory record, little-endian "PK\x05\x06". */
const EOCD_SIGNATURE = 0x06054b50;
const EOCD_MIN_BYTES = 22;
/** The EOCD ends with a comment of at most 65 535 bytes, so it starts within this many bytes of the end. */
const EOCD_MAX_BYTES = EOCD_MIN_BYTES + 0xffff;

/**
 * Lists the complete `.zip` backups directly inside `backupsDir` (not recursive).
 * Ignores the state file and its siblings, dotfiles and `~` lock files, directories,
 * symlinks and anything else that is not a regular file. A file counts as complete
 * when its size and mtime are unchanged across `settleMs` and it ends with a zip End
 * Of Central Directory record. A file still being written is reported as incomplete,
 * one unchanged for `corruptAfterMs` that still is no zip as invalid, and one that cannot
 * be read as unreadable, so one bad file never hides the others.
 */
export async function scanBackups(backupsDir: string, options: ScanOptions): Promise<ScanResult> {
  const result: ScanResult = { complete: [], incomplete: [], invalid: [], unreadable: [] };
  const candidates = await listZipCandidates(backupsDir);
  const first = await statAll(candidates, result.unreadable);

  if (options.settleMs > 0 && candidates.length > 0) {
    await (options.wait ?? defaultWait)(options.settleMs);
  }
  const second = await statAll([...first.keys()], result.unreadable);
  const nowMs = (options.now ?? Date.now)();

  for (const filePath of candidates) {
    if (result.unreadable.some((file) => file.filePath === filePath)) continue;
    const before = first.get(filePath);
    const after = second.get(filePath);
    if (before === undefined || after === undefined) {
      result.incomplete.push({ filePath, reason: 'vanished' });
      continue;
    }
    if (before.size !== after.size || before.mtimeMs !== after.mtimeMs) {
      result.incomplete.push({ filePath, reason: 'changing' });
      continue;
    }

    let finished = false;
    if (after.size > 0) {
      try {
        finished = await endsWithCentralDirectory(filePath, after.size);
      } catch (error) {
        if (isNotFound(error)) result.incomplete.push({ filePath, reason: 'vanished' });
        else result.unreadable.push({ filePath, error: toError(error) });
        continue;
      }
    }
    if (finished) {
      result.complete.push({ filePath, fileName: path.basename(filePath), sizeBytes: after.size, mtimeMs: after.mtimeMs });
      continue;
    }

    const reason = after.size === 0 ? 'empty' : 'no-end-of-central-directory';
    const quietForMs = nowMs - after.mtimeMs;
    if (options.corruptAfterMs !== undefined && quietForMs > options.corruptAfterMs) {
      result.invalid.push({ filePath, reason, sizeBytes: after.size, mtimeMs: after.mtimeMs });
    } else {
      result.incomplete.push({ filePath, reason });
    }
  }
  return result;
}

/** Returns whether a directory entry name can be a backup. The state file, temporary and hidden files cannot. */
export function isBackupFileName(name: string): boolean {
  if (!name.toLowerCase().endsWith('.zip')) return false;
  if (name.startsWith('.') || name.startsWith('~')) return false;
  return !name.startsWith(SYNC_STATE_FILE_NAME);
}

/**
 * Returns whether the last bytes of a file hold a zip End Of Central Directory record whose
 * comment ends exactly at the end of the file. A zip writer writes this record last, so a
 * file cut short or still being written lacks it. ZIP64 archives also end with this record.
 */
export async function endsWithCentralDirectory(filePath: string, sizeBytes: number): Promise<boolean> {
  if (sizeBytes < EOCD_MIN_BYTES) return false;

  const length = Math.min(sizeBytes, EOCD_MAX_BYTES);
  const tail = Buffer.alloc(length);
  const handle = await open(filePath, 'r');
  try {
    const { bytesRead } = await handle.read(tail, 0, length, sizeBytes - length);
    if (bytesRead !== length) return false;
  } finally {
    await handle.close();
  }

  // Search backwards: the record nearest the end is the real one, since comments may contain "PK\x05\x06".
  for (let offset = length - EOCD_MIN_BYTES; offset >= 0; offset -= 1) {
    if (tail.readUInt32LE(offset) !== EOCD_SIGNATURE) continue;
    const commentLength = tail.readUInt16LE(offset + 20);
    if (offset + EOCD_MIN_BYTES + commentLength === length) return true;
  }
  return false;
}

async function listZipCandidates(backupsDir: string): Promise<string[]> {
  const entries = await readdir(backupsDir, { withFileTypes: true });
  // Dirent types come from lstat, so a symlink to a zip is not a file here and is skipped.
  return entries
    .filter((entry) => entry.isFile() && isBackupFileName(entry.name))
    .map((entry) => path.join(backupsDir, entry.name))
    .sort();
}

/**
 * Stats each path without following symlinks. A path that vanished or is no longer a
 * regular file is left out, and one that cannot be stat'ed is added to `unreadable`.
 */
async function statAll(filePaths: string[], unreadable: UnreadableBackup[]): Promise<Map<string, Stats>> {
  const stats = new Map<string, Stats>();
  for (const filePath of filePaths) {
    try {
      const current = await lstat(filePath);
      if (current.isFile()) stats.set(filePath, current);
    } catch (error) {
      if (!isNotFound(error)) unreadable.push({ filePath, error: toError(error) });
    }
  }
  return stats;
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

function isNotFound(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'ENOENT';
}

function defaultWait(ms: number): Promise<void> {
  return sleep(ms);
}
