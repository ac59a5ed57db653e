// Electron's main and renderer processes cannot run here, so this file uses a small
// in-test stand-in for ipcMain, ipcRenderer and contextBridge that routes `invoke`
// straight to the registered handler, as Electron does across processes. The
// CloudBackupSync behind it is real, with a real backups folder.
import assert from 'node:assert/strict';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { CloudBackupSync } from '../src/cloud-backup-sync.ts';
import {
  CLOUD_SYNC_CHANNELS,
  exposeCloudSyncApi,
  registerCloudSyncIpc,
  type ContextBridgeLike,
  type IpcMainLike,
  type IpcRendererLike,
} from '../src/electron/index.ts';
import { makeTempDir, silentLogger, writeZip } from './helpers.ts';

type Handler = (event: unknown, ...args: unknown[]) => unknown;

class IpcStandIn implements IpcMainLike, IpcRendererLike {
  readonly handlers = new Map<string, Handler>();

  handle(channel: string, listener: Handler): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }

  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }

  async invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (handler === undefined) throw new Error(`No handler registered for '${channel}'`);
    // Electron passes values between processes with the structured clone algorithm.
    return structuredClone(await handler({ sender: 'renderer' }, ...args));
  }
}

describe('Electron IPC bridge', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let ipc: IpcStandIn;
  let exposed: Map<string, unknown>;
  let sync: CloudBackupSync;

  beforeEach(async () => {
    ({ dir, cleanup } = await makeTempDir());
    ipc = new IpcStandIn();
    exposed = new Map();
    sync = new CloudBackupSync({ backupsDir: dir, storeId: 'store-1', logger: silentLogger(), settleMs: 0 });
  });
  afterEach(() => cleanup());

  function bridge(): ContextBridgeLike {
    return { exposeInMainWorld: (key, api) => exposed.set(key, api) };
  }

  it('registers the cloud-sync channels', () => {
    registerCloudSyncIpc(ipc, sync);
    assert.deepEqual([...ipc.handlers.keys()].sort(), [
      'cloud-sync:cleanup-done',
      'cloud-sync:get-state',
      'cloud-sync:get-stats',
      'cloud-sync:reset-failed',
      'cloud-sync:set-auth',
      'cloud-sync:sync-now',
    ]);
  });

  it('removes its handlers', () => {
    const unregister = registerCloudSyncIpc(ipc, sync);
    unregister();
    assert.equal(ipc.handlers.size, 0);
  });

  it('exposes window.api.cloudSync', async () => {
    registerCloudSyncIpc(ipc, sync);
    const api = exposeCloudSyncApi(bridge(), ipc);
    assert.deepEqual([...exposed.keys()], ['api']);
    assert.deepEqual(exposed.get('api'), { cloudSync: api });
    assert.deepEqual(Object.keys(api).sort(), ['cleanupDone', 'getState', 'getStats', 'resetFailed', 'setAuth', 'syncNow']);
  });

  it('syncs and reads state through the renderer API', async () => {
    await writeZip(path.join(dir, 'a.zip'));
    registerCloudSyncIpc(ipc, sync);
    const api = exposeCloudSyncApi(bridge(), ipc);

    assert.equal(await api.syncNow(), undefined);
    const state = await api.getState();
    assert.equal(state.pendingBackups.length, 1);
    assert.deepEqual(await api.getStats(), sync.getStats());
    assert.equal(await api.resetFailed(), undefined);
    assert.equal(await api.cleanupDone(), undefined);
  });

  it('validates set-auth arguments', async () => {
    registerCloudSyncIpc(ipc, sync);
    const api = exposeCloudSyncApi(bridge(), ipc);

    await api.setAuth('http://127.0.0.1:8080', 'device-token');
    await assert.rejects(api.setAuth('javascript:alert(1)', 'token'), /URL/);
    await assert.rejects(api.setAuth('http://127.0.0.1:8080', ''), /token/);
    await assert.rejects(ipc.invoke(CLOUD_SYNC_CHANNELS.setAuth, { url: 'http://127.0.0.1' }, 'token'), /URL/);
    await assert.rejects(ipc.invoke(CLOUD_SYNC_CHANNELS.setAuth, 'http://127.0.0.1', 42), /token/);
  });
});
