export { extractZip, type ExtractZipOptions, type ExtractZipResult } from './extract-zip.ts';
export {
  restoreBackup,
  type RestoreOptions,
  type RestoreProgress,
  type RestoreResult,
  type RestoreSource,
} from './restore-backup.ts';
export { RestoreError } from './restore-error.ts';
export { restoreMessages, type RestoreErrorCode } from './restore-messages.ts';
