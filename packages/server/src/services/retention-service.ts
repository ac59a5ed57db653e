import type { Logger } from 'pino';
import { toTimestamp } from '../db/timestamps.ts';
import type { BackupRepository, RetentionCandidate } from '../repositories/backup-repository.ts';
import type { StorageDriver } from '../storage/storage-driver.ts';

export interface RetentionDependencies {
  backups: BackupRepository;
  storage: StorageDriver;
  logger: Logger;
  /** Days after upload at which an AVAILABLE backup expires. */
  retentionDays: number;
  /** Number of newest AVAILABLE backups kept per store. */
  maxCount: number;
}

export interface RetentionResult {
  deleted: number;
  remaining: number;
  details: { byAge: number; byCount: number };
}

const MILLISECONDS_PER_DAY = 86_400_000;

/**
 * Deletes AVAILABLE backups uploaded before `now - retentionDays`, then those
 * beyond the newest `maxCount` of each store (newest by upload time, ties by
 * id, higher id counting as newer). A backup expired by age counts only in
 * `byAge`. Each deletion removes the object first and marks the row DELETED
 * second, so a crash in between leaves an AVAILABLE row that the next run
 * selects and finishes again.
 *
 * NOTE: two concurrent runs repeat the same deletions. That is harmless
 * because both steps are idempotent, but their counts overlap. A database
 * lock (PostgreSQL advisory lock) belongs here before several instances run.
 */
export async function runRetention(dependencies: RetentionDependencies, options: { now: Date }): Promise<RetentionResult> {
  const { backups, storage, logger } = dependencies;
  const cutoff = toTimestamp(new Date(options.now.getTime() - dependencies.retentionDays * MILLISECONDS_PER_DAY));
  const candidates = await backups.listRetentionCandidates();

  const expiredByAge = candidates.filter((candidate) => candidate.uploadedAt < cutoff);
  const expiredIds = new Set(expiredByAge.map((candidate) => candidate.id));
  const beyondCount = selectBeyondCount(candidates, dependencies.maxCount).filter((candidate) => !expiredIds.has(candidate.id));

  logger.info(
    { cutoff, retentionDays: dependencies.retentionDays, maxCount: dependencies.maxCount, byAge: expiredByAge.length, byCount: beyondCount.length },
    'retention run started',
  );

  for (const candidate of [...expiredByAge, ...beyondCount]) {
    await storage.deleteObject(candidate.objectKey);
    await backups.markDeleted(candidate.id, toTimestamp(options.now));
    logger.info({ backupId: candidate.id, storeId: candidate.storeId, reason: expiredIds.has(candidate.id) ? 'age' : 'count' }, 'backup expired by retention');
  }

  const remaining = await backups.countByStatus('AVAILABLE');
  const deleted = expiredByAge.length + beyondCount.length;
  logger.info({ deleted, remaining }, 'retention run finished');
  return { deleted, remaining, details: { byAge: expiredByAge.length, byCount: beyondCount.length } };
}

/**
 * Returns the candidates after the newest `maxCount` of each store. Sorting
 * happens here by UTF-16 code units rather than in SQL, because PostgreSQL
 * sorts text by the database collation and SQLite by bytes.
 */
function selectBeyondCount(candidates: RetentionCandidate[], maxCount: number): RetentionCandidate[] {
  const newestFirst = [...candidates].sort(
    (a, b) => compareText(b.uploadedAt, a.uploadedAt) || compareText(b.id, a.id),
  );
  const retainedPerStore = new Map<string, number>();
  const beyond: RetentionCandidate[] = [];

  for (const candidate of newestFirst) {
    const retained = retainedPerStore.get(candidate.storeId) ?? 0;
    if (retained < maxCount) retainedPerStore.set(candidate.storeId, retained + 1);
    else beyond.push(candidate);
  }
  return beyond;
}

function compareText(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
