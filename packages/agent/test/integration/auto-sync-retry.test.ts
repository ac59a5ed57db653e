import assert from 'node:assert/strict';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../../../server/test/helpers/start-test-server.ts';
import { ApiClient } from '../../src/api-client.ts';
import { CloudBackupSync } from '../../src/cloud-backup-sync.ts';
import type { CloudSyncProgressEvent } from '../../src/sync-events.ts';
import { makeTempDir, silentLogger, writeZip } from '../helpers.ts';
import { stoppedServerUrl } from './server-fixture.ts';

const HOUR_MS = 3_600_000;

/** Collects progress events and resolves waiters when an event of the awaited type arrives. */
class EventLog {
  readonly events: CloudSyncProgressEvent[] = [];
  #waiters: Array<{ type: CloudSyncProgressEvent['type']; seen: number; resolve: () => void }> = [];

  push(event: CloudSyncProgressEvent): void {
    this.events.push(event);
    for (const waiter of [...this.#waiters]) {
      if (this.count(waiter.type) > waiter.seen) {
        this.#waiters = this.#waiters.filter((other) => other !== waiter);
        waiter.resolve();
      }
    }
  }

  count(type: CloudSyncProgressEvent['type']): number {
    return this.events.filter((event) => event.type === type).length;
  }

  /** Resolves at the next event of `type` that arrives after this call. */
  next(type: CloudSyncProgressEvent['type']): Promise<void> {
    return new Promise((resolve) => this.#waiters.push({ type, seen: this.count(type), resolve }));
  }
}

describe('auto sync with a short backoff', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let server: TestServer | undefined;
  let sync: CloudBackupSync | undefined;

  beforeEach(async () => {
    ({ dir, cleanup } = await makeTempDir());
  });
  afterEach(async () => {
    sync?.stopAutoSync();
    await server?.close();
    server = undefined;
    await cleanup();
  });

  /**
   * Starts the agent against a port where nothing listens yet, with a one-hour interval:
   * only a wake-up at the retry's next-attempt time can upload before the hour ends.
   */
  async function startAgentAgainstDownServer(log: EventLog): Promise<{ url: string; agent: CloudBackupSync }> {
    const url = await stoppedServerUrl();
    const agent = new CloudBackupSync({
      backupsDir: dir,
      storeId: 'store-1',
      apiUrl: url,
      token: 'set-once-the-server-runs',
      logger: silentLogger(),
      settleMs: 0,
      triggerDelayMs: 0,
      intervalMs: HOUR_MS,
      backoffDelaysMs: [50],
      onProgress: (event) => log.push(event),
    });
    sync = agent;
    return { url, agent };
  }

  /** Starts the real server on the port the agent already uses, creates the store and gives the agent its token. */
  async function bringServerUp(url: string, agent: CloudBackupSync): Promise<void> {
    server = await startTestServer({ database: 'sqlite', storage: 'filesystem', env: { PORT: new URL(url).port } });
    await new ApiClient({ apiUrl: server.url, token: server.token }).createStore('Tienda Centro', 'store-1');
    agent.setAuth(server.url, server.token);
  }

  it('retries a triggered pass before the interval', { timeout: 120_000 }, async () => {
    const log = new EventLog();
    const { url, agent } = await startAgentAgainstDownServer(log);
    const firstPass = log.next('pass-finished');
    agent.startAutoSync();
    await firstPass;

    // The backup arrives after the first automatic pass, as when the POS application writes one.
    const retryScheduled = log.next('retry-scheduled');
    await writeZip(path.join(dir, 'cierre.zip'));
    agent.triggerAfterBackup();
    await retryScheduled;

    const uploaded = log.next('uploaded');
    await bringServerUp(url, agent);
    await uploaded;
    assert.deepEqual(agent.getState().pendingBackups, []);
    assert.equal(agent.getState().uploadedBackups.length, 1);
  });

  it('retries the first automatic pass before the interval', { timeout: 120_000 }, async () => {
    const log = new EventLog();
    await writeZip(path.join(dir, 'cierre.zip'));
    const { url, agent } = await startAgentAgainstDownServer(log);
    const retryScheduled = log.next('retry-scheduled');
    agent.startAutoSync();
    await retryScheduled;

    const uploaded = log.next('uploaded');
    await bringServerUp(url, agent);
    await uploaded;
    assert.deepEqual(agent.getState().pendingBackups, []);
  });
});
