import { z } from 'zod';

/** File name of the desktop sync state, inside the backups folder. */
export const SYNC_STATE_FILE_NAME = 'cloud-sync.json';

export const pendingBackupSchema = z.object({
  filePath: z.string(),
  sha256: z.string(),
  sizeBytes: z.number(),
  storeId: z.string(),
  addedAt: z.string(),
  retries: z.number().int().nonnegative(),
  lastError: z.string().optional(),
});
export type PendingBackup = z.infer<typeof pendingBackupSchema>;

export const failedBackupSchema = z.object({
  filePath: z.string(),
  sha256: z.string(),
  error: z.string(),
  failedAt: z.string(),
  retries: z.number().int().nonnegative(),
});
export type FailedBackup = z.infer<typeof failedBackupSchema>;

/** The desktop's `backups/cloud-sync.json`, exactly as existing clients write it. */
export const syncStateSchema = z.object({
  lastSyncAt: z.string().nullable(),
  pendingBackups: z.array(pendingBackupSchema),
  uploadedBackups: z.array(z.string()),
  failedBackups: z.array(failedBackupSchema),
});
export type SyncState = z.infer<typeof syncStateSchema>;

export function emptySyncState(): SyncState {
  return { lastSyncAt: null, pendingBackups: [], uploadedBackups: [], failedBackups: [] };
}

export interface CloudSyncStats {
  pending: number;
  uploaded: number;
  failed: number;
  lastSyncAt: string | null;
  isSyncing: boolean;
  autoSyncEnabled: boolean;
}
