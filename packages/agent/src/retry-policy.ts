import { ApiError } from './api-client.ts';
import { ShortReadError, UploadError } from './uploader.ts';

/** Attempts per backup before it moves to `failedBackups`, counting the first one. */
export const MAX_ATTEMPTS = 10;

const MINUTE_MS = 60_000;

/** Waits after the 1st, 2nd, 3rd and 4th failed attempt; every later one waits the last value. */
export const BACKOFF_DELAYS_MS: readonly number[] = [1 * MINUTE_MS, 5 * MINUTE_MS, 15 * MINUTE_MS, 60 * MINUTE_MS];

/**
 * Returns the wait before the next attempt after `failedAttempts` failures (1 or more).
 * `delaysMs` replaces `BACKOFF_DELAYS_MS`; its last value repeats.
 */
export function backoffDelayMs(failedAttempts: number, delaysMs: readonly number[] = BACKOFF_DELAYS_MS): number {
  const index = Math.min(Math.max(failedAttempts, 1), delaysMs.length) - 1;
  return delaysMs[index] ?? 60 * MINUTE_MS;
}

/**
 * Action of the sync pass after a failed attempt.
 * - `retry-now`: try again in the same attempt, first hashing the file again when `rehash` is set.
 *   Every `retry-now` branch restarts at `requestUpload`, which returns a fresh presigned URL.
 * - `retry-later`: count a failed attempt and wait `delayMs`.
 * - `fail`: move the backup to `failedBackups` until `resetFailedBackups()`; `exhausted` is set
 *   when a retryable failure hit the attempt limit.
 */
export type RetryDecision =
  | { action: 'retry-now'; rehash: boolean; reason: string }
  | { action: 'retry-later'; delayMs: number; reason: string }
  | { action: 'fail'; reason: string; exhausted?: true };

export interface RetryContext {
  /** This attempt's number: 1 for the first try, so `retries + 1` of the pending entry. */
  attempt: number;
  /** False once the attempt has used its one immediate retry; the failure then waits for backoff. */
  canRetryNow: boolean;
  /** Waits after each failed attempt; `BACKOFF_DELAYS_MS` by default. */
  backoffDelaysMs?: readonly number[];
}

/**
 * API codes about the agent's configuration, not the backup: the store does not exist yet,
 * or the token is wrong, revoked, lacks the role or belongs to another store's device. The backup stays pending, with backoff
 * and without an attempt limit, so the first pass after the store is created or the token
 * fixed uploads it without anyone having to reset failed backups.
 */
const CONFIGURATION_API_CODES = new Set(['STORE_NOT_FOUND', 'STORE_FORBIDDEN', 'FORBIDDEN', 'INVALID_TOKEN', 'UNAUTHENTICATED']);

/** API codes that the same request will keep getting: a person must fix something first. */
const PERMANENT_API_CODES = new Set([
  'INVALID_FILE_NAME',
  'INVALID_SHA256',
  'INVALID_SIZE',
  'INVALID_ID',
  'INVALID_BODY',
  'SIZE_TOO_LARGE',
  'SHA256_MISMATCH',
  'BACKUP_DELETED',
]);

/**
 * Decides, per kind of failure, whether a backup's upload is retried now, later or never.
 * Each branch gives its reason. `error` is what the attempt threw: an `ApiError` from the
 * cloud API, an `UploadError` from the PUT, or a local file error.
 */
export function decideRetry(error: unknown, context: RetryContext): RetryDecision {
  const delayMs = backoffDelayMs(context.attempt, context.backoffDelaysMs);
  const later = (reason: string): RetryDecision => {
    // The attempt limit is reached: stop retrying so the backup is visible as failed.
    if (context.attempt >= MAX_ATTEMPTS) return { action: 'fail', reason: `${reason}; ${MAX_ATTEMPTS} attempts used`, exhausted: true };
    return { action: 'retry-later', delayMs, reason };
  };
  const now = (rehash: boolean, reason: string): RetryDecision =>
    context.canRetryNow ? { action: 'retry-now', rehash, reason } : later(`${reason}, again`);

  if (error instanceof ShortReadError) {
    return now(true, 'the file shrank since it was hashed');
  }

  if (error instanceof UploadError) {
    switch (error.kind) {
      case 'url-rejected':
        // Presigned URLs live 10 minutes; a slow queue or a suspended laptop outlives them.
        return now(false, 'the presigned URL was rejected (expired or signature mismatch)');
      case 'content-rejected':
      case 'content-changed':
        // The bytes sent were not the ones hashed: the file changed, so its hash must be recomputed.
        return now(true, 'storage rejected or did not match the bytes sent');
      case 'too-large':
        return { action: 'fail', reason: 'storage rejects objects of this size' };
      case 'rejected':
        return { action: 'fail', reason: `storage rejected the upload with HTTP ${error.status}` };
      case 'server':
      case 'network':
      case 'timeout':
        return later('storage is unreachable or overloaded');
      case 'aborted':
        // A cancelled upload is no fault of the backup, so it may run again on the next pass.
        return { action: 'retry-later', delayMs: 0, reason: 'the upload was cancelled' };
    }
  }

  if (error instanceof ApiError) {
    if (error.code === 'CHECKSUM_MISMATCH' || error.code === 'SIZE_MISMATCH') {
      // The server verified the stored object and found other bytes: the file changed under us.
      return now(true, `the server rejected the stored bytes (${error.code})`);
    }
    if (error.code === 'UPLOAD_INCOMPLETE') {
      // The PUT did not land; requestUpload hands back a URL for the same backup row.
      return now(false, 'the server has not received the file yet');
    }
    if (CONFIGURATION_API_CODES.has(error.code)) {
      return { action: 'retry-later', delayMs, reason: `the agent's store or token is not accepted yet (${error.code})` };
    }
    // Network failure, 408, 429 and 5xx: the same request can succeed later.
    if (error.retryable) return later(`the cloud API is unreachable or overloaded (${error.code})`);
    // A 2xx whose body did not match the protocol (a captive portal's page): the network is not ours yet.
    if (error.status < 400) return later(`the cloud API sent an unexpected answer (${error.code})`);
    if (PERMANENT_API_CODES.has(error.code)) return { action: 'fail', reason: `the cloud API rejected the backup (${error.code})` };
    // An unknown 4xx is not retried, since the same request cannot succeed without a change.
    return { action: 'fail', reason: `the cloud API answered HTTP ${error.status} (${error.code})` };
  }

  // Local I/O errors (file locked by the POS application, disk busy) are usually temporary.
  return later('the backup file could not be read');
}
