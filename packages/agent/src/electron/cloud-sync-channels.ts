/** IPC channel names between the Electron main process and the renderer, as existing desktop apps use them. */
export const CLOUD_SYNC_CHANNELS = {
  getState: 'cloud-sync:get-state',
  getStats: 'cloud-sync:get-stats',
  syncNow: 'cloud-sync:sync-now',
  cleanupDone: 'cloud-sync:cleanup-done',
  resetFailed: 'cloud-sync:reset-failed',
  setAuth: 'cloud-sync:set-auth',
} as const;

export type CloudSyncChannel = (typeof CLOUD_SYNC_CHANNELS)[keyof typeof CLOUD_SYNC_CHANNELS];
