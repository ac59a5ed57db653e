import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { requestDownloadResponseSchema } from '@cloud-backup-sync/protocol';
import { createLogger } from '../src/index.ts';
import { callApi, createStore, uploadBackup } from './helpers/http.ts';
import { startTestServer, type TestStorageKind } from './helpers/start-test-server.ts';

const CRON_SECRET = 'logging-test-cron-secret-0123456789abcdef';

for (const storage of ['filesystem', 's3'] satisfies TestStorageKind[]) {
  test(`logs hold no secrets (${storage})`, async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        lines.push(chunk.toString('utf8'));
        callback();
      },
    });
    const logger = createLogger('trace', sink);
    const server = await startTestServer({ database: 'sqlite', storage, logger, env: { CRON_SECRET } });

    try {
      await createStore(server, 'store-log');
      const backupId = await uploadBackup(server, 'store-log', randomBytes(256));
      const download = requestDownloadResponseSchema.parse(
        (await callApi(server, 'POST', '/api/cloud-backups/request-download', { body: { backupId } })).body,
      );
      assert.equal((await fetch(download.downloadUrl)).status, 200);
      await callApi(server, 'GET', '/api/stores', { token: 'some-invalid-token-value' });
      await callApi(server, 'POST', '/api/cloud-backups/retention-run', { token: null, headers: { 'x-cron-secret': CRON_SECRET } });
      await callApi(server, 'POST', '/api/cloud-backups/retention-run', { token: null, headers: { 'x-cron-secret': 'wrong-secret-value' } });

      const signature = new URL(download.downloadUrl).searchParams;
      const text = lines.join('');
      assert.ok(lines.length > 5, 'the logger captured nothing');
      assert.ok(text.includes('request completed'));
      assert.ok(!text.includes(server.token), 'token logged');
      assert.ok(!text.includes('some-invalid-token-value'), 'invalid token logged');
      assert.ok(!text.includes(CRON_SECRET), 'cron secret logged');
      assert.ok(!text.includes('wrong-secret-value'), 'wrong cron secret logged');
      assert.ok(!/X-Amz-Signature/i.test(text), 'S3 signature logged');
      assert.ok(!/[?&]sig=/.test(text), 'filesystem signature logged');
      for (const value of [signature.get('X-Amz-Signature'), signature.get('sig')]) {
        if (value !== null) assert.ok(!text.includes(value), 'signature value logged');
      }
      // s3rver's access key and secret are both "S3RVER".
      if (server.s3 !== undefined) assert.ok(!text.includes(server.s3.secretAccessKey), 'S3 credentials logged');
      if (process.env['CBS_PRINT_TEST_LOGS'] === '1') console.log(text);
    } finally {
      await server.close();
    }
  });
}

test('retention schedule follows server life', async () => {
  for (const schedule of ['0 3 * * *', 'off']) {
    const records: Array<{ msg?: string; schedule?: string; timeZone?: string; durationMs?: number; deleted?: number }> = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        records.push(JSON.parse(chunk.toString('utf8')));
        callback();
      },
    });
    const server = await startTestServer({ database: 'sqlite', logger: createLogger('info', sink), env: { CRON_SECRET, RETENTION_SCHEDULE: schedule } });
    await callApi(server, 'POST', '/api/cloud-backups/retention-run', { token: null, headers: { 'x-cron-secret': CRON_SECRET } });
    await server.close();

    const messages = records.map((record) => record.msg);
    const started = records.find((record) => record.msg === 'retention schedule started');
    if (schedule === 'off') {
      assert.equal(started, undefined);
      assert.ok(!messages.includes('retention schedule stopped'));
    } else {
      assert.deepEqual({ schedule: started?.schedule, timeZone: started?.timeZone }, { schedule, timeZone: 'UTC' });
      assert.ok(messages.indexOf('retention schedule stopped') < messages.indexOf('server stopped'), JSON.stringify(messages));
      assert.ok(messages.includes('retention schedule stopped'));
    }

    const finished = records.find((record) => record.msg === 'retention run finished');
    assert.equal(finished?.deleted, 0);
    assert.equal(typeof finished?.durationMs, 'number');
  }
});
