import type { CloudSyncStats, SyncState } from '@cloud-backup-sync/protocol';
import { validateAuth } from '../options.ts';
import { CLOUD_SYNC_CHANNELS } from './cloud-sync-channels.ts';

/**
 * The part of Electron's `ipcMain` used here. Taken as a parameter so that this package
 * never imports `electron` at runtime and runs in plain Node too.
 */
export interface IpcMainLike {
  handle(channel: string, listener: (event: unknown, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

/** The `CloudBackupSync` methods the IPC handlers call. */
export interface CloudSyncIpcTarget {
  getState(): SyncState;
  getStats(): CloudSyncStats;
  syncNow(): Promise<void>;
  cleanupDoneBackups(): Promise<void>;
  resetFailedBackups(): Promise<void>;
  setAuth(apiUrl: string, token: string): void;
}

/**
 * Registers the main-process handlers of the `cloud-sync:*` channels and returns a
 * function that removes them. `cloud-sync:set-auth` validates the renderer's arguments
 * (two strings, an http(s) URL and a non-empty token) and rejects anything else;
 * the renderer's `invoke` then rejects with that error's message.
 */
export function registerCloudSyncIpc(ipcMain: IpcMainLike, sync: CloudSyncIpcTarget): () => void {
  ipcMain.handle(CLOUD_SYNC_CHANNELS.getState, () => sync.getState());
  ipcMain.handle(CLOUD_SYNC_CHANNELS.getStats, () => sync.getStats());
  ipcMain.handle(CLOUD_SYNC_CHANNELS.syncNow, () => sync.syncNow());
  ipcMain.handle(CLOUD_SYNC_CHANNELS.cleanupDone, () => sync.cleanupDoneBackups());
  ipcMain.handle(CLOUD_SYNC_CHANNELS.resetFailed, () => sync.resetFailedBackups());
  ipcMain.handle(CLOUD_SYNC_CHANNELS.setAuth, (_event, apiUrl, token) => {
    // The renderer is less trusted than the main process: check the values before they reach the agent.
    const auth = validateAuth(apiUrl, token, 'es');
    sync.setAuth(auth.apiUrl, auth.token);
  });

  return () => {
    for (const channel of Object.values(CLOUD_SYNC_CHANNELS)) ipcMain.removeHandler(channel);
  };
}
