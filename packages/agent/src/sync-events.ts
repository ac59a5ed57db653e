/** Counts of one sync pass, sent with the `pass-finished` event. */
export interface SyncPassSummary {
  startedAt: string;
  finishedAt: string;
  /** Complete `.zip` files found in the backups folder. */
  scanned: number;
  /** Files left for a later pass because they were still being written or are not complete zips yet. */
  incomplete: number;
  /**
   * Files whose size and mtime have not changed for `corruptAfterMs` but that are empty or lack
   * a zip End Of Central Directory: corrupt or not zips. They are never uploaded and are listed
   * again on every pass until replaced or removed.
   */
  invalid: Array<{ filePath: string; reason: 'no-end-of-central-directory' | 'empty' }>;
  /**
   * Files that could not be read (permissions, I/O error) before their SHA-256 was known, so
   * they have no entry in the state. `error` is the translated message with its code prefix.
   */
  unreadable: Array<{ filePath: string; error: string }>;
  /** Backups added to `pendingBackups` by this pass. */
  added: number;
  /** Backups sent with a PUT and confirmed. */
  uploaded: number;
  /** Backups the server already had (`exists: true`), so nothing was sent. */
  alreadyInCloud: number;
  /** Files skipped without any request because their SHA-256 is in `uploadedBackups`. */
  alreadyUploaded: number;
  /** Backups that failed and wait for their backoff. */
  retryLater: number;
  /** Backups moved to `failedBackups` by this pass. */
  failed: number;
  /** Entries in `failedBackups` when the pass ended, including those of earlier passes. */
  failedTotal: number;
  /** Entries left in `pendingBackups` when the pass ended. */
  pending: number;
  /** True when no API URL or token is set, so the pass only scanned and hashed. */
  authMissing: boolean;
}

/**
 * Progress and outcomes of a pass, for progress bars and logs. Byte counts are
 * cumulative for the current file. `hashing` and `uploading` arrive about once per MiB.
 * Each PUT starts with one `uploading` event whose `bytesDone` is 0, so counting those
 * counts the PUTs. A retried upload of the same file starts again at 0.
 */
export type CloudSyncProgressEvent =
  | { type: 'pass-started'; startedAt: string }
  | { type: 'hashing'; filePath: string; bytesDone: number; bytesTotal: number }
  | { type: 'uploading'; filePath: string; sha256: string; bytesDone: number; bytesTotal: number }
  | {
      type: 'uploaded';
      filePath: string;
      sha256: string;
      sizeBytes: number;
      backupId: string;
      /** True when the server already had this SHA-256 and no bytes were sent. */
      alreadyInCloud: boolean;
    }
  | { type: 'retry-scheduled'; filePath: string; sha256: string; retries: number; error: string; nextAttemptAt: string }
  | { type: 'failed'; filePath: string; sha256: string; error: string }
  | { type: 'pass-finished'; summary: SyncPassSummary };
