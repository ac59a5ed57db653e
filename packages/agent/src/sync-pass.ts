import { lstat } from 'node:fs/promises';
import path from 'node:path';
import { fileNameSchema, translate, type Locale, type PendingBackup, type SyncState } from '@cloud-backup-sync/protocol';
import type { Logger } from 'pino';
import { agentMessages } from './agent-messages.ts';
import { ApiError, type ApiClient } from './api-client.ts';
import { scanBackups, type ScannedBackup } from './backup-scanner.ts';
import { hashFile } from './file-hasher.ts';
import { describeNetworkCause } from './network-error.ts';
import type { FingerprintCache } from './fingerprint-cache.ts';
import { MAX_ATTEMPTS, decideRetry } from './retry-policy.ts';
import type { StateStore } from './state-store.ts';
import type { CloudSyncProgressEvent, SyncPassSummary } from './sync-events.ts';
import { ShortReadError, UploadError, uploadFile } from './uploader.ts';

/**
 * Memory shared by every pass of one `CloudBackupSync`. `state` is the live copy of
 * `cloud-sync.json` and `fingerprints` of `cloud-sync.hashes.json`. `nextAttemptAt` is
 * kept in memory only, because the state format has no field for it, so after a restart
 * every pending entry is due at once.
 */
export interface SyncContext {
  backupsDir: string;
  storeId: string;
  locale: Locale;
  settleMs: number;
  corruptAfterMs: number;
  backoffDelaysMs: readonly number[];
  uploadIdleTimeoutMs: number | undefined;
  logger: Logger;
  now: () => Date;
  emit: (event: CloudSyncProgressEvent) => void;
  store: StateStore;
  state: SyncState;
  fingerprints: FingerprintCache;
  /** Epoch milliseconds before which a pending entry is not tried again, keyed by SHA-256. */
  nextAttemptAt: Map<string, number>;
}

interface TransferOutcome {
  /** Empty when the cloud reported the content as deleted without naming the row. */
  backupId: string;
  alreadyInCloud: boolean;
  /** The cloud deleted this content on purpose (retention or an administrator), so it is not sent again. */
  deletedInCloud?: boolean;
}

/**
 * One sync pass: scan → hash new files → add them to `pendingBackups` (saved before any
 * network call) → upload each pending entry whose backoff has passed. The state is saved
 * after every step that changes it. Failures of single backups are recorded in the state,
 * not thrown; `run()` throws only when the folder or the state file cannot be used.
 */
export class SyncPass {
  readonly #context: SyncContext;
  readonly #api: ApiClient | undefined;
  readonly #summary: SyncPassSummary;
  /** Set when a backup hit a network or server failure, so `lastSyncAt` is not advanced. */
  #unreachable = false;

  constructor(context: SyncContext, api: ApiClient | undefined) {
    this.#context = context;
    this.#api = api;
    const startedAt = context.now().toISOString();
    this.#summary = {
      startedAt,
      finishedAt: startedAt,
      scanned: 0,
      incomplete: 0,
      invalid: [],
      unreadable: [],
      added: 0,
      uploaded: 0,
      alreadyInCloud: 0,
      alreadyUploaded: 0,
      retryLater: 0,
      failed: 0,
      failedTotal: 0,
      pending: 0,
      authMissing: api === undefined,
    };
  }

  async run(): Promise<SyncPassSummary> {
    const { logger, emit } = this.#context;
    emit({ type: 'pass-started', startedAt: this.#summary.startedAt });

    const scanned = await this.#scan();
    await this.#addNewBackups(scanned);
    await this.#context.fingerprints.save();

    if (this.#api === undefined) {
      logger.info({ pending: this.#context.state.pendingBackups.length }, 'no API URL or token set; skipped uploads');
    } else {
      await this.#uploadDueBackups(this.#api);
      if (!this.#unreachable) {
        this.#context.state.lastSyncAt = this.#context.now().toISOString();
        await this.#save();
      }
    }

    // A re-hash before an upload may have changed fingerprints.
    await this.#context.fingerprints.save();
    this.#summary.pending = this.#context.state.pendingBackups.length;
    this.#summary.failedTotal = this.#context.state.failedBackups.length;
    this.#summary.finishedAt = this.#context.now().toISOString();
    logger.info({ summary: this.#summary }, 'sync pass finished');
    emit({ type: 'pass-finished', summary: { ...this.#summary } });
    return { ...this.#summary };
  }

  async #scan(): Promise<ScannedBackup[]> {
    const { logger } = this.#context;
    const result = await scanBackups(this.#context.backupsDir, {
      settleMs: this.#context.settleMs,
      corruptAfterMs: this.#context.corruptAfterMs,
      now: () => this.#context.now().getTime(),
    });
    this.#summary.scanned = result.complete.length;
    this.#summary.incomplete = result.incomplete.length;

    // Forget files that are gone, so the fingerprint cache does not grow with every backup ever seen.
    const present = new Set([...result.complete, ...result.incomplete, ...result.unreadable].map((file) => file.filePath));
    for (const filePath of this.#context.fingerprints.keys()) {
      if (!present.has(filePath)) this.#context.fingerprints.delete(filePath);
    }

    for (const skipped of result.incomplete) {
      logger.debug({ filePath: skipped.filePath, reason: skipped.reason }, 'backup not complete yet; left for the next pass');
    }
    for (const invalid of result.invalid) {
      this.#summary.invalid.push({ filePath: invalid.filePath, reason: invalid.reason });
      logger.warn(
        { filePath: invalid.filePath, reason: invalid.reason, sizeBytes: invalid.sizeBytes, mtime: new Date(invalid.mtimeMs).toISOString() },
        'file is not a complete zip and has not changed for a long time; it will not be uploaded',
      );
    }
    for (const unreadable of result.unreadable) this.#reportUnreadable(unreadable.filePath, unreadable.error);
    return result.complete;
  }

  /** Hashes files not seen before (or changed) and adds those not yet uploaded to `pendingBackups`. */
  async #addNewBackups(scanned: ScannedBackup[]): Promise<void> {
    const { state, fingerprints } = this.#context;
    let changed = false;

    for (const file of scanned) {
      const sha256 = await this.#knownHash(file);
      if (sha256 === undefined) continue;

      if (state.uploadedBackups.includes(sha256)) {
        this.#summary.alreadyUploaded += 1;
        continue;
      }
      if (state.pendingBackups.some((entry) => entry.sha256 === sha256)) continue;
      // A failed backup stays failed until resetFailedBackups(), even when found under another name.
      if (state.failedBackups.some((entry) => entry.sha256 === sha256)) continue;

      const samePath = state.pendingBackups.find((entry) => entry.filePath === file.filePath);
      if (samePath !== undefined) {
        // The file was replaced by other content under the same name: the entry now stands for the new bytes.
        this.#context.nextAttemptAt.delete(samePath.sha256);
        samePath.sha256 = sha256;
        samePath.sizeBytes = file.sizeBytes;
        changed = true;
        continue;
      }

      state.pendingBackups.push({
        filePath: file.filePath,
        sha256,
        sizeBytes: fingerprints.get(file.filePath)?.sizeBytes ?? file.sizeBytes,
        storeId: this.#context.storeId,
        addedAt: this.#context.now().toISOString(),
        retries: 0,
      });
      this.#summary.added += 1;
      changed = true;
      this.#context.logger.info({ filePath: file.filePath, sha256, sizeBytes: file.sizeBytes }, 'backup added to pending');
    }

    if (changed) await this.#save();
  }

  /**
   * Returns the file's SHA-256, hashing only when needed. A pending entry with the same
   * path and size is trusted without hashing (after a restart), because the upload hashes
   * the bytes it sends and catches a changed file there.
   */
  async #knownHash(file: ScannedBackup): Promise<string | undefined> {
    const known = this.#context.fingerprints.get(file.filePath);
    if (known !== undefined && known.sizeBytes === file.sizeBytes && known.mtimeMs === file.mtimeMs) return known.sha256;

    const pending = this.#context.state.pendingBackups.find((entry) => entry.filePath === file.filePath);
    if (known === undefined && pending !== undefined && pending.sizeBytes === file.sizeBytes) return pending.sha256;

    try {
      return await this.#hash(file.filePath);
    } catch (error) {
      if (isNotFound(error)) {
        this.#context.logger.info({ filePath: file.filePath }, 'backup vanished while it was hashed; skipped');
      } else {
        this.#reportUnreadable(file.filePath, error);
      }
      return undefined;
    }
  }

  /** Records a file that could not be read in the summary; without its SHA-256 it cannot enter the state. */
  #reportUnreadable(filePath: string, error: unknown): void {
    const description = this.#describe(error, filePath);
    this.#summary.unreadable.push({ filePath, error: description });
    this.#context.logger.warn({ err: error, filePath }, 'backup file could not be read; skipped it for this pass');
  }

  /** Hashes a file, reporting progress, and records its fingerprint. */
  async #hash(filePath: string): Promise<string> {
    const before = await lstat(filePath);
    const { sha256, sizeBytes } = await hashFile(filePath, {
      sizeBytes: before.size,
      onProgress: ({ bytesDone, bytesTotal }) => this.#context.emit({ type: 'hashing', filePath, bytesDone, bytesTotal }),
    });
    // Record the mtime from before hashing, so a file changed while it was read shows a newer mtime at the next check.
    this.#context.fingerprints.set(filePath, { sizeBytes, mtimeMs: before.mtimeMs, sha256 });
    return sha256;
  }

  async #uploadDueBackups(api: ApiClient): Promise<void> {
    const nowMs = this.#context.now().getTime();
    const due = this.#context.state.pendingBackups.filter(
      (entry) => (this.#context.nextAttemptAt.get(entry.sha256) ?? 0) <= nowMs,
    );
    for (const entry of due) {
      // An earlier entry's re-hash may have merged this one away.
      if (!this.#context.state.pendingBackups.includes(entry)) continue;
      await this.#uploadBackup(api, entry);
    }
  }

  /** Runs one attempt for a pending entry, with at most one immediate retry, and records the outcome. */
  async #uploadBackup(api: ApiClient, entry: PendingBackup): Promise<void> {
    const fileName = path.basename(entry.filePath);
    const nameCheck = fileNameSchema.safeParse(fileName);
    if (!nameCheck.success) {
      const detail = nameCheck.error.issues.map((issue) => issue.message).join('; ');
      const message = translate(agentMessages, 'INVALID_FILE_NAME', this.#context.locale, { fileName, detail });
      await this.#markFailed(entry, `INVALID_FILE_NAME: ${message}`, entry.retries);
      return;
    }

    const attempt = entry.retries + 1;
    let canRetryNow = true;
    let rehash = false;

    for (;;) {
      try {
        const ready = await this.#checkLocalFile(entry, rehash);
        if (!ready) return;
        const outcome = await this.#transfer(api, entry, fileName);
        await this.#markUploaded(entry, outcome);
        return;
      } catch (error) {
        if (isNotFound(error)) {
          await this.#dropVanished(entry);
          return;
        }

        const decision = decideRetry(error, { attempt, canRetryNow, backoffDelaysMs: this.#context.backoffDelaysMs });
        const description = this.#describe(error, entry.filePath);
        this.#context.logger.warn(
          { err: error, filePath: entry.filePath, sha256: entry.sha256, attempt, decision },
          'backup upload attempt failed',
        );
        if (isUnreachable(error)) this.#unreachable = true;

        if (decision.action === 'retry-now') {
          canRetryNow = false;
          rehash = decision.rehash;
          continue;
        }
        if (decision.action === 'retry-later') {
          await this.#scheduleRetry(entry, attempt, description, decision.delayMs);
          return;
        }
        const reason =
          decision.exhausted === true
            ? `RETRIES_EXHAUSTED: ${translate(agentMessages, 'RETRIES_EXHAUSTED', this.#context.locale, { attempts: MAX_ATTEMPTS, lastError: description })}`
            : description;
        await this.#markFailed(entry, reason, attempt);
        return;
      }
    }
  }

  /**
   * Makes sure the entry still describes the file before anything is sent. A vanished file
   * throws ENOENT. A file whose size differs, whose mtime moved since it was hashed, or
   * when `forceRehash` is set, is hashed again and the entry updated. Returns false when
   * the new content is already uploaded or pending under another entry, which drops this one.
   */
  async #checkLocalFile(entry: PendingBackup, forceRehash: boolean): Promise<boolean> {
    const stats = await lstat(entry.filePath);
    if (!stats.isFile()) throw Object.assign(new Error(`${entry.filePath} is no longer a regular file`), { code: 'ENOENT' });

    const known = this.#context.fingerprints.get(entry.filePath);
    const moved = known !== undefined && (known.mtimeMs !== stats.mtimeMs || known.sha256 !== entry.sha256);
    if (!forceRehash && !moved && stats.size === entry.sizeBytes) return true;

    const oldSha256 = entry.sha256;
    const sha256 = await this.#hash(entry.filePath);
    const sizeBytes = this.#context.fingerprints.get(entry.filePath)?.sizeBytes ?? stats.size;
    if (sha256 === oldSha256 && sizeBytes === entry.sizeBytes) return true;

    this.#context.logger.info({ filePath: entry.filePath, oldSha256, sha256, sizeBytes }, 'backup changed since it was hashed; using its new content');
    this.#context.nextAttemptAt.delete(oldSha256);
    const { state } = this.#context;
    const duplicate = state.uploadedBackups.includes(sha256) || state.pendingBackups.some((other) => other !== entry && other.sha256 === sha256);
    if (duplicate) {
      state.pendingBackups = state.pendingBackups.filter((other) => other !== entry);
      await this.#save();
      return false;
    }

    entry.sha256 = sha256;
    entry.sizeBytes = sizeBytes;
    await this.#save();
    return true;
  }

  /**
   * requestUpload → (exists: done) → PUT → check the hash of the bytes sent → confirmUpload.
   * `checksumHeader: true` lets S3 storage sign the SHA-256 as a header, so the provider
   * itself rejects altered bytes. Every header of `uploadHeaders` is sent with the PUT.
   */
  async #transfer(api: ApiClient, entry: PendingBackup, fileName: string): Promise<TransferOutcome> {
    let answer;
    try {
      answer = await api.requestUpload({
        storeId: entry.storeId,
        fileName,
        sha256: entry.sha256,
        sizeBytes: entry.sizeBytes,
        checksumHeader: true,
      });
    } catch (error) {
      // Old zips left on the PC after a reinstall must not come back as the newest backups,
      // because retention ranks backups by upload time.
      if (error instanceof ApiError && error.code === 'BACKUP_DELETED') return { backupId: '', alreadyInCloud: true, deletedInCloud: true };
      throw error;
    }
    if ('exists' in answer) return { backupId: answer.backupId, alreadyInCloud: true };

    const { filePath, sha256, sizeBytes } = entry;
    this.#context.emit({ type: 'uploading', filePath, sha256, bytesDone: 0, bytesTotal: sizeBytes });
    const sent = await uploadFile({
      url: answer.uploadUrl,
      filePath,
      sizeBytes,
      headers: answer.uploadHeaders,
      idleTimeoutMs: this.#context.uploadIdleTimeoutMs,
      onProgress: ({ bytesDone, bytesTotal }) =>
        this.#context.emit({ type: 'uploading', filePath, sha256, bytesDone, bytesTotal }),
    });

    // Storage that does not verify checksums (plain S3 presigned PUTs) accepts whatever arrives.
    // Never confirm bytes that differ from the hash the server was given; the unconfirmed row
    // stays UPLOADING and is never AVAILABLE.
    if (sent.sha256 !== sha256) {
      const message = translate(agentMessages, 'CONTENT_CHANGED', this.#context.locale, { expected: sha256, actual: sent.sha256 });
      throw new UploadError('content-changed', sent.status, 'CONTENT_CHANGED', message);
    }

    await api.confirmUpload(answer.backupId, sha256);
    return { backupId: answer.backupId, alreadyInCloud: false };
  }

  async #markUploaded(entry: PendingBackup, outcome: TransferOutcome): Promise<void> {
    const { state } = this.#context;
    state.pendingBackups = state.pendingBackups.filter((other) => other !== entry);
    if (!state.uploadedBackups.includes(entry.sha256)) state.uploadedBackups.push(entry.sha256);
    this.#context.nextAttemptAt.delete(entry.sha256);
    await this.#save();

    if (outcome.alreadyInCloud) this.#summary.alreadyInCloud += 1;
    else this.#summary.uploaded += 1;
    if (outcome.deletedInCloud === true) {
      this.#context.logger.warn(
        { filePath: entry.filePath, sha256: entry.sha256, storeId: entry.storeId },
        'backup was deleted from the cloud by retention or an administrator; not uploaded again',
      );
    }
    this.#context.logger.info(
      { filePath: entry.filePath, sha256: entry.sha256, backupId: outcome.backupId, alreadyInCloud: outcome.alreadyInCloud },
      outcome.alreadyInCloud ? 'backup already in the cloud; nothing sent' : 'backup uploaded and confirmed',
    );
    this.#context.emit({
      type: 'uploaded',
      filePath: entry.filePath,
      sha256: entry.sha256,
      sizeBytes: entry.sizeBytes,
      backupId: outcome.backupId,
      alreadyInCloud: outcome.alreadyInCloud,
    });
  }

  async #scheduleRetry(entry: PendingBackup, attempt: number, description: string, delayMs: number): Promise<void> {
    const nextAttemptAt = this.#context.now().getTime() + delayMs;
    entry.retries = attempt;
    entry.lastError = description;
    this.#context.nextAttemptAt.set(entry.sha256, nextAttemptAt);
    await this.#save();

    this.#summary.retryLater += 1;
    const nextAttemptIso = new Date(nextAttemptAt).toISOString();
    this.#context.logger.info({ filePath: entry.filePath, sha256: entry.sha256, retries: attempt, nextAttemptAt: nextAttemptIso }, 'backup upload will be retried');
    this.#context.emit({
      type: 'retry-scheduled',
      filePath: entry.filePath,
      sha256: entry.sha256,
      retries: attempt,
      error: description,
      nextAttemptAt: nextAttemptIso,
    });
  }

  async #markFailed(entry: PendingBackup, error: string, retries: number): Promise<void> {
    const { state } = this.#context;
    state.pendingBackups = state.pendingBackups.filter((other) => other !== entry);
    state.failedBackups.push({
      filePath: entry.filePath,
      sha256: entry.sha256,
      error,
      failedAt: this.#context.now().toISOString(),
      retries,
    });
    this.#context.nextAttemptAt.delete(entry.sha256);
    await this.#save();

    this.#summary.failed += 1;
    this.#context.logger.error({ filePath: entry.filePath, sha256: entry.sha256, retries, error }, 'backup moved to failed');
    this.#context.emit({ type: 'failed', filePath: entry.filePath, sha256: entry.sha256, error });
  }

  async #dropVanished(entry: PendingBackup): Promise<void> {
    const { state } = this.#context;
    state.pendingBackups = state.pendingBackups.filter((other) => other !== entry);
    this.#context.nextAttemptAt.delete(entry.sha256);
    this.#context.fingerprints.delete(entry.filePath);
    await this.#save();
    this.#context.logger.warn({ filePath: entry.filePath, sha256: entry.sha256 }, 'pending backup file vanished; removed it from pending');
  }

  /** Formats an error for `lastError` / `error`: its stable code, a colon, then the message. */
  #describe(error: unknown, filePath: string): string {
    const { locale } = this.#context;
    if (error instanceof ApiError) return `${error.code}: ${error.message}`;
    if (error instanceof UploadError) {
      if (error.kind === 'content-changed') return `CONTENT_CHANGED: ${error.message}`;
      if (error.kind === 'timeout') {
        const seconds = Math.round((this.#context.uploadIdleTimeoutMs ?? 120_000) / 1000);
        return `UPLOAD_TIMEOUT: ${translate(agentMessages, 'UPLOAD_TIMEOUT', locale, { seconds })}`;
      }
      if (error.status === 0) {
        return `UPLOAD_NETWORK: ${translate(agentMessages, 'UPLOAD_NETWORK', locale, { detail: describeNetworkCause(error.cause ?? error) })}`;
      }
      const code = error.code ?? `HTTP_${error.status}`;
      return `UPLOAD_REJECTED: ${translate(agentMessages, 'UPLOAD_REJECTED', locale, { status: error.status, code, detail: error.message })}`;
    }
    if (error instanceof ShortReadError) return `CONTENT_CHANGED: ${error.message}`;
    const detail = error instanceof Error ? error.message : String(error);
    return `FILE_UNREADABLE: ${translate(agentMessages, 'FILE_UNREADABLE', locale, { filePath, detail })}`;
  }

  #save(): Promise<void> {
    return this.#context.store.save(this.#context.state);
  }
}

function isNotFound(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'ENOENT';
}

/** Network failures and 5xx mean the cloud was not reached, so the pass does not count as a sync. */
function isUnreachable(error: unknown): boolean {
  if (error instanceof ApiError) return error.retryable;
  if (error instanceof UploadError) return error.kind === 'network' || error.kind === 'server' || error.kind === 'timeout';
  return false;
}
