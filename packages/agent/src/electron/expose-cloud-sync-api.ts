import { syncStateSchema, type CloudSyncStats, type SyncState } from '@cloud-backup-sync/protocol';
import { z } from 'zod';
import { CLOUD_SYNC_CHANNELS } from './cloud-sync-channels.ts';

/** The part of Electron's `ipcRenderer` used here; see `IpcMainLike` for why it is a parameter. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
}

/** The part of Electron's `contextBridge` used here. */
export interface ContextBridgeLike {
  exposeInMainWorld(apiKey: string, api: unknown): void;
}

/** `window.api.cloudSync` in the renderer, as existing renderers call it. */
export interface CloudSyncRendererApi {
  getState(): Promise<SyncState>;
  getStats(): Promise<CloudSyncStats>;
  syncNow(): Promise<void>;
  cleanupDone(): Promise<void>;
  resetFailed(): Promise<void>;
  setAuth(apiUrl: string, token: string): Promise<void>;
}

const cloudSyncStatsSchema = z.object({
  pending: z.number(),
  uploaded: z.number(),
  failed: z.number(),
  lastSyncAt: z.string().nullable(),
  isSyncing: z.boolean(),
  autoSyncEnabled: z.boolean(),
}) satisfies z.ZodType<CloudSyncStats>;

/**
 * Builds the renderer API on top of `ipcRenderer.invoke`. Use it directly when the
 * application's preload composes its own `window.api` object.
 */
export function createCloudSyncApi(ipcRenderer: IpcRendererLike): CloudSyncRendererApi {
  return {
    getState: async () => syncStateSchema.parse(await ipcRenderer.invoke(CLOUD_SYNC_CHANNELS.getState)),
    getStats: async () => cloudSyncStatsSchema.parse(await ipcRenderer.invoke(CLOUD_SYNC_CHANNELS.getStats)),
    syncNow: async () => {
      await ipcRenderer.invoke(CLOUD_SYNC_CHANNELS.syncNow);
    },
    cleanupDone: async () => {
      await ipcRenderer.invoke(CLOUD_SYNC_CHANNELS.cleanupDone);
    },
    resetFailed: async () => {
      await ipcRenderer.invoke(CLOUD_SYNC_CHANNELS.resetFailed);
    },
    setAuth: async (apiUrl, token) => {
      await ipcRenderer.invoke(CLOUD_SYNC_CHANNELS.setAuth, apiUrl, token);
    },
  };
}

/**
 * Exposes `window.api.cloudSync` from a preload script and returns the API object.
 * Electron refuses a second `exposeInMainWorld('api', …)`, so an application that
 * exposes more under `window.api` should call `createCloudSyncApi` instead.
 */
export function exposeCloudSyncApi(contextBridge: ContextBridgeLike, ipcRenderer: IpcRendererLike): CloudSyncRendererApi {
  const cloudSync = createCloudSyncApi(ipcRenderer);
  contextBridge.exposeInMainWorld('api', { cloudSync });
  return cloudSync;
}
