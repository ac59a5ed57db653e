export * from './cloud-sync-channels.ts';
export * from './expose-cloud-sync-api.ts';
export * from './register-cloud-sync-ipc.ts';
