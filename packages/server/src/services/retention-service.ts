import { performance } from 'node:perf_hooks';
import { PRESIGNED_URL_TTL_SECONDS } from '@cloud-backup-sync/protocol';
import type { Logger } from 'pino';
import type { Config } from '../config/config.ts';
import type { DatabaseHandle } from '../db/database.ts';
import { toTimestamp } from '../db/timestamps.ts';
import { AppError } from '../http/app-error.ts';
import { withJobLock, type HeldJobLock } from '../repositories/job-lock.ts';
import {
  RetentionRepository,
  type MarkedBackup,
  type RetentionCandidate,
  type RetentionRule,
  type RetentionRules,
} from '../repositories/retention-repository.ts';
import type { StorageDriver } from '../storage/storage-driver.ts';

export interface RetentionSettings {
  /** Days after upload at which an AVAILABLE backup expires, unless the floor keeps it. */
  retentionDays: number;
  /** Number of newest AVAILABLE backups kept per store. */
  maxCount: number;
  /** Number of newest AVAILABLE backups every store keeps whatever their age. */
  minKeep: number;
}

export function retentionSettings(config: Config): RetentionSettings {
  return { retentionDays: config.retention.days, maxCount: config.retention.maxCount, minKeep: config.retention.minKeep };
}

export interface RetentionDependencies {
  database: DatabaseHandle;
  storage: StorageDriver;
  logger: Logger;
  settings: RetentionSettings;
}

export interface RetentionOptions {
  /** The run's clock: ages are measured back from it and deletions are stamped with it. */
  now: Date;
  /** Selects and reports without changing rows or storage. */
  dryRun?: boolean;
}

/** A backup that a dry run would delete, in the order a real run would delete it. */
export interface WouldDeleteBackup {
  id: string;
  storeId: string;
  fileName: string;
  uploadedAt: string | null;
  rule: RetentionRule;
}

/** The result of `POST /api/cloud-backups/retention-run`, without `success`. */
export interface RetentionResult {
  deleted: number;
  remaining: number;
  details: { byAge: number; byCount: number };
  /** Only on dry runs. */
  wouldDelete?: WouldDeleteBackup[];
}

/** Name of the lock that lets one retention run at a time across all instances. */
export const RETENTION_LOCK_NAME = 'retention';

/**
 * Extra time, in seconds, that an UPLOADING row waits after its presigned
 * URL expired before the sweep marks it FAILED. S3 checks a presigned URL
 * when the PUT starts, so a large upload started just before expiry can
 * still be streaming long afterwards.
 */
export const STALE_UPLOAD_GRACE_SECONDS = 3600;

/** Rows per selection, per mark transaction and per DeleteObjects request (the S3 maximum). */
const BATCH_SIZE = 1000;

/**
 * Candidates fetched per selection query, then processed in batches of
 * `BATCH_SIZE`. Each query ranks a whole store page, so fetching several
 * batches at once saves most of the queries. 10,000 rows of ids, keys and
 * file names take a few megabytes.
 */
const SELECTION_SIZE = 10 * BATCH_SIZE;

/** Stores ranked per selection query; bounds the window function's input. */
const STORE_PAGE_SIZE = 500;

const MILLISECONDS_PER_DAY = 86_400_000;

/**
 * Runs retention once while holding the retention lock, and raises
 * `RETENTION_RUNNING` when another run (on any instance) holds it. A dry
 * run takes no lock because it changes nothing.
 *
 * Rules, per store, over AVAILABLE backups ranked newest first by the
 * server's `uploaded_at` (ties by id, compared as bytes):
 * - the newest `minKeep` are always kept;
 * - the others are deleted when uploaded more than `retentionDays` ago
 *   (counted in `byAge`), or when ranked past `maxCount` (`byCount`).
 * UPLOADING, FAILED and DELETED rows are neither counted nor deleted by
 * these rules. UPLOADING rows whose URL expired more than
 * `STALE_UPLOAD_GRACE_SECONDS` ago become FAILED and lose their object.
 *
 * Each deletion marks the row, deletes the object, then sets DELETED with
 * an audit event, so a run stopped at any point leaves marked rows that the
 * next run finishes first.
 */
export async function runRetention(dependencies: RetentionDependencies, options: RetentionOptions): Promise<RetentionResult> {
  const { logger, settings } = dependencies;
  const startedAt = performance.now();
  const dryRun = options.dryRun === true;
  logger.info({ dryRun, ...settings }, 'retention run started');

  const run = new RetentionRun(dependencies, options.now);
  let result: RetentionResult;
  if (dryRun) {
    result = await run.preview();
  } else {
    const outcome = await withJobLock(dependencies.database, RETENTION_LOCK_NAME, (lock) => run.execute(lock));
    if (!outcome.acquired) {
      logger.info({ lock: RETENTION_LOCK_NAME }, 'retention run skipped because another run holds the lock');
      throw new AppError('RETENTION_RUNNING');
    }
    result = outcome.value;
  }

  logger.info(
    {
      dryRun,
      deleted: result.deleted,
      byAge: result.details.byAge,
      byCount: result.details.byCount,
      remaining: result.remaining,
      failedUploads: run.failedUploads,
      objectDeletionFailures: run.objectDeletionFailures,
      durationMs: Math.round(performance.now() - startedAt),
    },
    'retention run finished',
  );
  return result;
}

/** The state of one run: its clock, counters and the steps of `execute` and `preview`. */
class RetentionRun {
  readonly #repository: RetentionRepository;
  readonly #storage: StorageDriver;
  readonly #logger: Logger;
  readonly #rules: RetentionRules;
  readonly #now: string;
  readonly #staleCutoff: string;
  readonly #deleted = { age: 0, count: 0 };
  failedUploads = 0;
  objectDeletionFailures = 0;

  constructor(dependencies: RetentionDependencies, now: Date) {
    const { settings } = dependencies;
    this.#repository = new RetentionRepository(dependencies.database);
    this.#storage = dependencies.storage;
    this.#logger = dependencies.logger;
    this.#now = toTimestamp(now);
    this.#rules = {
      cutoff: toTimestamp(new Date(now.getTime() - settings.retentionDays * MILLISECONDS_PER_DAY)),
      maxCount: settings.maxCount,
      minKeep: settings.minKeep,
    };
    this.#staleCutoff = toTimestamp(new Date(now.getTime() - (PRESIGNED_URL_TTL_SECONDS + STALE_UPLOAD_GRACE_SECONDS) * 1000));
  }

  async execute(lock: HeldJobLock): Promise<RetentionResult> {
    await this.#finishPendingDeletions(lock);
    await this.#finishPendingStaleRemovals(lock);
    await this.#failStaleUploads(lock);
    await this.#applyRules(lock);

    return {
      deleted: this.#deleted.age + this.#deleted.count,
      remaining: await this.#repository.countAvailable(),
      details: { byAge: this.#deleted.age, byCount: this.#deleted.count },
    };
  }

  /** Lists what `execute` would delete now: rows left marked by an interrupted run, then the rules' selection. */
  async preview(): Promise<RetentionResult> {
    const wouldDelete: WouldDeleteBackup[] = [];

    let afterId: string | null = null;
    for (;;) {
      const marked = await this.#repository.listMarkedForDeletion(afterId, BATCH_SIZE);
      if (marked.length === 0) break;
      wouldDelete.push(...marked.map(toWouldDelete));
      afterId = marked.at(-1)?.id ?? null;
    }
    const pendingCount = wouldDelete.length;

    for await (const storeIds of this.#storePages()) {
      for (let offset = 0; ; offset += SELECTION_SIZE) {
        const candidates = await this.#repository.selectCandidates(storeIds, this.#rules, { limit: SELECTION_SIZE, offset });
        wouldDelete.push(...candidates.map(toWouldDelete));
        if (candidates.length < SELECTION_SIZE) break;
      }
    }

    const byAge = wouldDelete.filter((backup) => backup.rule === 'age').length;
    const available = await this.#repository.countAvailable();
    return {
      deleted: wouldDelete.length,
      // Marked rows are already left out of the AVAILABLE count.
      remaining: available - (wouldDelete.length - pendingCount),
      details: { byAge, byCount: wouldDelete.length - byAge },
      wouldDelete,
    };
  }

  /** Finishes rows that an interrupted run marked: their objects may be gone already. */
  async #finishPendingDeletions(lock: HeldJobLock): Promise<void> {
    let afterId: string | null = null;
    for (;;) {
      const marked = await this.#repository.listMarkedForDeletion(afterId, BATCH_SIZE);
      if (marked.length === 0) return;

      this.#logger.info({ count: marked.length }, 'retention finishing deletions left by an interrupted run');
      await this.#deleteMarked(marked.map((backup) => ({ id: backup.id, objectKey: backup.objectKey })));
      await lock.renew();
      afterId = marked.at(-1)?.id ?? null;
    }
  }

  /** Selects, marks and deletes each store page's expired backups, one batch at a time. */
  async #applyRules(lock: HeldJobLock): Promise<void> {
    for await (const storeIds of this.#storePages()) {
      for (;;) {
        // Offset 0 each time: rows marked by the previous selection are no longer selected.
        const candidates = await this.#repository.selectCandidates(storeIds, this.#rules, { limit: SELECTION_SIZE, offset: 0 });

        for (let start = 0; start < candidates.length; start += BATCH_SIZE) {
          const batch = candidates.slice(start, start + BATCH_SIZE);
          const markedIds = await this.#repository.markForDeletion(batch, this.#now);
          await this.#deleteMarked(batch.filter((candidate) => markedIds.has(candidate.id)));
          await lock.renew();
        }

        // A short selection held every selected row of this page.
        if (candidates.length < SELECTION_SIZE) break;
      }
    }
  }

  /** Deletes the objects of marked rows, then sets DELETED those whose object is gone. */
  async #deleteMarked(marked: ReadonlyArray<{ id: string; objectKey: string }>): Promise<void> {
    if (marked.length === 0) return;

    const deletedKeys = await this.#deleteObjects(marked.map((backup) => backup.objectKey));
    const finished = await this.#repository.finishDeletion(
      marked.filter((backup) => deletedKeys.has(backup.objectKey)).map((backup) => backup.id),
      this.#now,
    );
    for (const backup of finished) this.#deleted[backup.rule] += 1;
    this.#logger.debug({ count: finished.length }, 'retention deleted a batch of backups');
  }

  /** Removes objects left behind when an interrupted sweep had marked stale uploads FAILED. */
  async #finishPendingStaleRemovals(lock: HeldJobLock): Promise<void> {
    let afterId: string | null = null;
    for (;;) {
      const pending = await this.#repository.listStaleUploadsPendingRemoval(afterId, BATCH_SIZE);
      if (pending.length === 0) return;

      const deletedKeys = await this.#deleteObjects(pending.map((upload) => upload.objectKey));
      await this.#repository.finishStaleUploadRemoval(pending.filter((upload) => deletedKeys.has(upload.objectKey)).map((upload) => upload.id));
      await lock.renew();
      afterId = pending.at(-1)?.id ?? null;
    }
  }

  /**
   * Marks UPLOADING rows FAILED once their URL has been expired for the
   * grace period, then removes any object written under their key.
   *
   * NOTE: a request-upload that restarts such a row between its marking and
   * this batch's object removal (normally well under a second) could see its
   * new object removed. Its confirmation then fails with UPLOAD_INCOMPLETE,
   * unless the PUT and the confirmation both fit in that window, which would
   * leave an AVAILABLE row without an object.
   */
  async #failStaleUploads(lock: HeldJobLock): Promise<void> {
    for (;;) {
      const stale = await this.#repository.listStaleUploads(this.#staleCutoff, BATCH_SIZE);
      if (stale.length === 0) return;

      const failed = await this.#repository.failStaleUploads(
        stale.map((upload) => upload.id),
        this.#staleCutoff,
        this.#now,
      );
      const deletedKeys = await this.#deleteObjects(failed.map((upload) => upload.objectKey));
      await this.#repository.finishStaleUploadRemoval(failed.filter((upload) => deletedKeys.has(upload.objectKey)).map((upload) => upload.id));
      this.failedUploads += failed.length;
      this.#logger.info({ count: failed.length, cutoff: this.#staleCutoff }, 'retention marked stale uploads FAILED');
      await lock.renew();
    }
  }

  /** Deletes objects and returns the keys that are gone. Rows of keys that failed stay marked for the next run. */
  async #deleteObjects(objectKeys: readonly string[]): Promise<Set<string>> {
    if (objectKeys.length === 0) return new Set();

    const { failed } = await this.#storage.deleteObjects(objectKeys);
    if (failed.length > 0) {
      this.objectDeletionFailures += failed.length;
      this.#logger.error(
        { count: failed.length, first: failed[0] },
        'storage could not delete some objects; their rows stay marked and the next run retries them',
      );
    }
    const failedKeys = new Set(failed.map((failure) => failure.objectKey));
    return new Set(objectKeys.filter((objectKey) => !failedKeys.has(objectKey)));
  }

  /** Yields the store ids in pages of `STORE_PAGE_SIZE`. */
  async *#storePages(): AsyncGenerator<string[]> {
    let afterId: string | null = null;
    for (;;) {
      const storeIds = await this.#repository.listStoreIds(afterId, STORE_PAGE_SIZE);
      if (storeIds.length === 0) return;
      yield storeIds;
      afterId = storeIds.at(-1) ?? null;
    }
  }
}

function toWouldDelete(backup: RetentionCandidate | MarkedBackup): WouldDeleteBackup {
  return { id: backup.id, storeId: backup.storeId, fileName: backup.fileName, uploadedAt: backup.uploadedAt, rule: backup.rule };
}
