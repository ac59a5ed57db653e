export { ApiClient, ApiError, type ApiClientOptions } from './api-client.ts';
export { CloudBackupSync } from './cloud-backup-sync.ts';
export { describeNetworkCause } from './network-error.ts';
export { FINGERPRINT_CACHE_FILE_NAME } from './fingerprint-cache.ts';
export {
  DEFAULT_CORRUPT_AFTER_MS,
  DEFAULT_INTERVAL_MS,
  DEFAULT_SETTLE_MS,
  DEFAULT_TRIGGER_DELAY_MS,
  InvalidOptionError,
  type CloudBackupSyncOptions,
} from './options.ts';
export type { CloudSyncProgressEvent, SyncPassSummary } from './sync-events.ts';
export { hashFile, HASH_CHUNK_BYTES, type ByteProgress, type FileHash, type HashFileOptions } from './file-hasher.ts';
export {
  uploadFile,
  UploadError,
  ShortReadError,
  DEFAULT_UPLOAD_IDLE_TIMEOUT_MS,
  type UploadFailureKind,
  type UploadFileOptions,
  type UploadResult,
} from './uploader.ts';
export { scanBackups, endsWithCentralDirectory, type ScannedBackup, type ScanResult } from './backup-scanner.ts';
export { backoffDelayMs, decideRetry, BACKOFF_DELAYS_MS, MAX_ATTEMPTS, type RetryDecision } from './retry-policy.ts';
export * from './electron/index.ts';
export * from './restore/index.ts';
