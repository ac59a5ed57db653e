import { lstat, unlink } from 'node:fs/promises';
import type { CloudSyncStats, SyncState } from '@cloud-backup-sync/protocol';
import { ApiClient, ApiError } from './api-client.ts';
import { scanBackups } from './backup-scanner.ts';
import { hashFile } from './file-hasher.ts';
import { FingerprintCache } from './fingerprint-cache.ts';
import { resolveOptions, validateAuth, type CloudBackupSyncOptions, type ResolvedOptions } from './options.ts';
import { StateStore } from './state-store.ts';
import type { CloudSyncProgressEvent } from './sync-events.ts';
import { SyncPass, type SyncContext } from './sync-pass.ts';

/** Shortest wait before an automatic pass, so a zero backoff cannot spin. */
const MIN_WAKE_MS = 1_000;

/**
 * Gets every `.zip` backup in a folder into cloud storage through presigned URLs.
 * The public methods are the `CloudBackupSync` surface that existing desktop apps call.
 *
 * State is kept in `<backupsDir>/cloud-sync.json` (see `StateStore`) and file fingerprints in
 * `<backupsDir>/cloud-sync.hashes.json` (see `FingerprintCache`), so a restart hashes only new
 * or changed files. Next-attempt times live in memory only, because the state file's format is
 * fixed and has no field for them: after a restart, pending backups are tried at once.
 *
 * NOTE: two processes syncing the same folder at once (the desktop app and
 * `backup-sync agent --once`) are not coordinated. Each writes the state file atomically,
 * but the last writer wins, so run only one agent per backups folder.
 */
export class CloudBackupSync {
  readonly #options: ResolvedOptions;
  readonly #context: SyncContext;
  #api: ApiClient | undefined;
  #runningPass: Promise<void> | undefined;
  /** Tail of the queue that runs passes, clean-ups and resets one at a time. */
  #exclusive: Promise<void> = Promise.resolve();
  #autoSync = false;
  #autoTimer: NodeJS.Timeout | undefined;
  /** Epoch milliseconds (real clock) at which `#autoTimer` fires. */
  #autoTimerDueAt = Infinity;
  #triggerTimer: NodeJS.Timeout | undefined;

  /** Validates the options and loads `cloud-sync.json`. Throws `InvalidOptionError` on a bad option. */
  constructor(options: CloudBackupSyncOptions) {
    this.#options = resolveOptions(options);
    const { backupsDir, logger, now } = this.#options;
    const store = new StateStore({ backupsDir, logger, now });
    const loaded = store.loadSync();
    const fingerprints = new FingerprintCache({ backupsDir, logger });
    fingerprints.loadSync();

    this.#context = {
      backupsDir,
      storeId: this.#options.storeId,
      locale: this.#options.locale,
      settleMs: this.#options.settleMs,
      corruptAfterMs: this.#options.corruptAfterMs,
      backoffDelaysMs: this.#options.backoffDelaysMs,
      uploadIdleTimeoutMs: this.#options.uploadIdleTimeoutMs,
      logger,
      now,
      emit: (event) => this.#emit(event),
      store,
      state: loaded.state,
      fingerprints,
      nextAttemptAt: new Map(),
    };
    if (this.#options.auth !== undefined) this.#api = this.#createApiClient(this.#options.auth);
  }

  /** Runs a pass now, then one every `intervalMs` (15 minutes by default), or sooner when a retry falls due. */
  startAutoSync(): void {
    if (this.#autoSync) return;
    this.#autoSync = true;
    this.#options.logger.info({ intervalMs: this.#options.intervalMs, backupsDir: this.#options.backupsDir }, 'auto sync started');
    this.#runAutoPass();
  }

  /** Stops scheduling passes. A pass already running finishes. */
  stopAutoSync(): void {
    if (!this.#autoSync) return;
    this.#autoSync = false;
    clearTimeout(this.#autoTimer);
    this.#autoTimer = undefined;
    this.#autoTimerDueAt = Infinity;
    this.#options.logger.info({}, 'auto sync stopped');
  }

  /**
   * Runs one pass and resolves when it ends. Calls made while a pass runs share it.
   * Failures of single backups do not reject, because they are recorded in `getState()`.
   * Rejects only when the backups folder or the state file cannot be used.
   */
  syncNow(): Promise<void> {
    if (this.#runningPass !== undefined) return this.#runningPass;

    const pass = this.#runExclusive(async () => {
      await new SyncPass(this.#context, this.#api).run();
      if (this.#api !== undefined) await this.#reportStatus(this.#api);
    });
    this.#runningPass = pass.finally(() => {
      this.#runningPass = undefined;
      // A pass started by triggerAfterBackup() or a caller may have scheduled a retry
      // sooner than the next automatic pass.
      this.#scheduleAutoPass();
    });
    return this.#runningPass;
  }

  /**
   * Asks for a pass soon after the POS application wrote a backup. Calls within
   * `triggerDelayMs` of each other start one pass, `triggerDelayMs` after the last call.
   */
  triggerAfterBackup(): void {
    clearTimeout(this.#triggerTimer);
    this.#triggerTimer = setTimeout(() => {
      this.#triggerTimer = undefined;
      this.syncNow().catch((error: unknown) => {
        this.#options.logger.error({ err: error }, 'sync pass after a backup failed');
      });
    }, this.#options.triggerDelayMs);
  }

  /**
   * Sends the counts of `getStats()` to the server after a pass. A failure is
   * logged and never fails the pass. A SUPERADMIN token gets FORBIDDEN,
   * because only a device has a status record, so that case is logged at debug.
   */
  async #reportStatus(api: ApiClient): Promise<void> {
    const { pending, uploaded, failed, lastSyncAt } = this.getStats();
    try {
      await api.reportDeviceStatus({ pending, uploaded, failed, lastSyncAt });
    } catch (error) {
      if (error instanceof ApiError && error.code === 'FORBIDDEN') {
        this.#options.logger.debug({ code: error.code }, 'status not reported: the token is not a device token');
        return;
      }
      this.#options.logger.warn({ err: error, pending, uploaded, failed }, 'reporting the agent status failed');
    }
  }

  /** Returns a deep copy of the state, so callers cannot change the agent's state through it. */
  getState(): SyncState {
    return structuredClone(this.#context.state);
  }

  getStats(): CloudSyncStats {
    const { state } = this.#context;
    return {
      pending: state.pendingBackups.length,
      uploaded: state.uploadedBackups.length,
      failed: state.failedBackups.length,
      lastSyncAt: state.lastSyncAt,
      isSyncing: this.#runningPass !== undefined,
      autoSyncEnabled: this.#autoSync,
    };
  }

  /**
   * Deletes local `.zip` backups that are already in the cloud. Each file is hashed
   * again first and deleted only when that hash is in `uploadedBackups`, so a file
   * replaced since its upload is kept. The newest local backup (by mtime, then name)
   * is always kept, so the store has a local copy to restore from without network.
   * Files still being written, pending or failed backups are never deleted.
   *
   * NOTE: `uploadedBackups` records that an upload was confirmed, not that the cloud
   * copy still exists; retention may delete it later. A device token cannot list
   * backups, so this is not checked with the server.
   */
  cleanupDoneBackups(): Promise<void> {
    return this.#runExclusive(async () => {
      const { logger } = this.#options;
      const { complete } = await scanBackups(this.#options.backupsDir, { settleMs: 0 });
      const newest = [...complete].sort((a, b) => b.mtimeMs - a.mtimeMs || b.fileName.localeCompare(a.fileName))[0];
      const uploaded = new Set(this.#context.state.uploadedBackups);
      let deleted = 0;

      for (const file of complete) {
        if (file.filePath === newest?.filePath) continue;
        let sha256: string;
        try {
          ({ sha256 } = await hashFile(file.filePath, {
            onProgress: ({ bytesDone, bytesTotal }) => this.#emit({ type: 'hashing', filePath: file.filePath, bytesDone, bytesTotal }),
          }));
        } catch (error) {
          if (!isNotFound(error)) throw error;
          continue;
        }
        if (!uploaded.has(sha256)) continue;

        await unlink(file.filePath);
        this.#context.fingerprints.delete(file.filePath);
        deleted += 1;
        logger.info({ filePath: file.filePath, sha256 }, 'deleted local backup already in the cloud');
      }
      await this.#context.fingerprints.save();
      logger.info({ deleted, kept: complete.length - deleted }, 'clean-up of uploaded backups finished');
    });
  }

  /**
   * Moves every failed backup back to pending with `retries` 0, to be tried on the next
   * pass. A failed backup whose file is gone is dropped with a warning.
   */
  resetFailedBackups(): Promise<void> {
    return this.#runExclusive(async () => {
      const { state } = this.#context;
      const { logger, now, storeId } = this.#options;
      const failed = state.failedBackups;
      state.failedBackups = [];

      for (const entry of failed) {
        let sizeBytes: number;
        try {
          const stats = await lstat(entry.filePath);
          sizeBytes = stats.size;
        } catch (error) {
          if (!isNotFound(error)) throw error;
          logger.warn({ filePath: entry.filePath, sha256: entry.sha256 }, 'failed backup file vanished; dropped it instead of retrying');
          continue;
        }
        if (state.pendingBackups.some((pending) => pending.sha256 === entry.sha256)) continue;

        // SyncState's failed entries keep no size or store, so both come from the file and this agent.
        // A file changed since it failed is caught by the size check or the hash of the bytes sent.
        state.pendingBackups.push({
          filePath: entry.filePath,
          sha256: entry.sha256,
          sizeBytes,
          storeId,
          addedAt: now().toISOString(),
          retries: 0,
        });
        this.#context.nextAttemptAt.delete(entry.sha256);
      }

      await this.#context.store.save(state);
      logger.info({ reset: failed.length, pending: state.pendingBackups.length }, 'failed backups moved back to pending');
    });
  }

  /** Sets the API URL and token used from the next request on; throws `InvalidOptionError` when invalid. */
  setAuth(apiUrl: string, token: string): void {
    const auth = validateAuth(apiUrl, token, this.#options.locale);
    this.#api = this.#createApiClient(auth);
    this.#options.logger.info({ apiUrl: auth.apiUrl }, 'cloud API address and token set');
  }

  #createApiClient(auth: { apiUrl: string; token: string }): ApiClient {
    return new ApiClient({ apiUrl: auth.apiUrl, token: auth.token, locale: this.#options.locale });
  }

  /** Runs `task` after every queued pass, clean-up and reset, so they never touch the state at once. */
  #runExclusive(task: () => Promise<void>): Promise<void> {
    const run = this.#exclusive.then(task);
    // The queue continues after a failed task; the failure still reaches this caller.
    this.#exclusive = run.catch(() => undefined);
    return run;
  }

  #runAutoPass(): void {
    this.#autoTimer = undefined;
    this.#autoTimerDueAt = Infinity;
    this.syncNow()
      .catch((error: unknown) => {
        this.#options.logger.error({ err: error }, 'automatic sync pass failed; will try again at the next interval');
      })
      .finally(() => this.#scheduleAutoPass());
  }

  /**
   * Schedules the next automatic pass at the interval, or sooner when a pending backup's
   * backoff ends first. Called after every pass: a timer that already fires as early stays.
   */
  #scheduleAutoPass(): void {
    if (!this.#autoSync) return;

    const nowMs = this.#options.now().getTime();
    let delayMs = this.#options.intervalMs;
    for (const dueAt of this.#context.nextAttemptAt.values()) {
      if (dueAt > nowMs) delayMs = Math.min(delayMs, dueAt - nowMs);
    }
    delayMs = Math.max(delayMs, Math.min(MIN_WAKE_MS, this.#options.intervalMs));

    const dueAt = Date.now() + delayMs;
    if (this.#autoTimer !== undefined && this.#autoTimerDueAt <= dueAt) return;
    clearTimeout(this.#autoTimer);
    this.#autoTimerDueAt = dueAt;
    this.#autoTimer = setTimeout(() => this.#runAutoPass(), delayMs);
  }

  #emit(event: CloudSyncProgressEvent): void {
    if (this.#options.onProgress === undefined) return;
    try {
      this.#options.onProgress(event);
    } catch (error) {
      // A broken progress listener must not stop the backup from being uploaded.
      this.#options.logger.error({ err: error, eventType: event.type }, 'onProgress listener threw');
    }
  }
}

function isNotFound(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'ENOENT';
}
