import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CloudBackupSync } from '../../src/cloud-backup-sync.ts';
import { captureLogger, makeTempDir, writeZip } from '../helpers.ts';
import { startFixture, stoppedServerUrl, type Fixture } from './server-fixture.ts';

const WARN = 40;

describe('agent status reporting', () => {
  let fixture: Fixture;

  before(async () => {
    fixture = await startFixture('filesystem', 'store-status');
  });
  after(() => fixture.server.close());

  it('device token reports counts after pass', async () => {
    const { dir, cleanup } = await makeTempDir();
    try {
      const { token } = await fixture.api.createDevice(fixture.storeId, 'Caja 1');
      await writeZip(path.join(dir, 'a.zip'), 5000);
      await writeZip(path.join(dir, 'b.zip'), 6000);
      const sync = new CloudBackupSync({ backupsDir: dir, storeId: fixture.storeId, apiUrl: fixture.server.url, token, settleMs: 0, logger: captureLogger().logger });
      await sync.syncNow();

      const [device] = await fixture.api.listDevices(fixture.storeId);
      assert.equal(device?.status?.uploaded, 2);
      assert.equal(device?.status?.pending, 0);
      assert.equal(device?.status?.failed, 0);
      assert.equal(device?.status?.lastSyncAt, sync.getState().lastSyncAt);
    } finally {
      await cleanup();
    }
  });

  it('superadmin token skips report quietly', async () => {
    const { dir, cleanup } = await makeTempDir();
    try {
      const { logger, records } = captureLogger();
      await writeZip(path.join(dir, 'c.zip'), 5000);
      const sync = new CloudBackupSync({ backupsDir: dir, storeId: fixture.storeId, apiUrl: fixture.server.url, token: fixture.server.token, settleMs: 0, logger });
      await sync.syncNow();

      assert.equal(sync.getStats().uploaded, 1);
      assert.ok(records.some((record) => record.msg === 'status not reported: the token is not a device token'));
      assert.equal(records.filter((record) => record.level >= WARN).length, 0, JSON.stringify(records.filter((record) => record.level >= WARN)));
    } finally {
      await cleanup();
    }
  });

  it('unreachable server logs report failure', async () => {
    const { dir, cleanup } = await makeTempDir();
    try {
      const { logger, records } = captureLogger();
      await writeZip(path.join(dir, 'd.zip'), 5000);
      const sync = new CloudBackupSync({ backupsDir: dir, storeId: fixture.storeId, apiUrl: await stoppedServerUrl(), token: 'any-token', settleMs: 0, logger });
      await sync.syncNow();

      assert.equal(sync.getStats().pending, 1);
      assert.ok(records.some((record) => record.level === WARN && record.msg === 'reporting the agent status failed'));
    } finally {
      await cleanup();
    }
  });
});
