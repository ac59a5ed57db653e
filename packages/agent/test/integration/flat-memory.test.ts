import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { hashFile } from '../../src/file-hasher.ts';
import { uploadFile } from '../../src/uploader.ts';
import { makeTempDir } from '../helpers.ts';
import { startFixture, type Fixture } from './server-fixture.ts';

const FILE_BYTES = 300 * 1024 * 1024;
/** Generous bound on resident memory growth; buffering the file would add about 300 MiB. */
const MAX_RSS_GROWTH_BYTES = 100 * 1024 * 1024;

describe('memory while hashing and uploading 300 MiB', () => {
  let fixture: Fixture;
  let dir: string;
  let cleanup: () => Promise<void>;
  let filePath: string;

  before(async () => {
    fixture = await startFixture('filesystem');
    ({ dir, cleanup } = await makeTempDir());
    filePath = path.join(dir, 'large.zip');

    // Content need not be a valid zip here: the hasher and uploader do not look inside.
    const block = randomBytes(1024 * 1024);
    const out = createWriteStream(filePath);
    for (let written = 0; written < FILE_BYTES; written += block.length) {
      if (!out.write(block)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    }
    await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  });
  after(async () => {
    await fixture.server.close();
    await cleanup();
  });

  it('keeps rss growth under 100 MiB', async (t) => {
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sample = () => {
      peak = Math.max(peak, process.memoryUsage().rss);
    };

    const { sha256, sizeBytes } = await hashFile(filePath, { onProgress: sample });
    assert.equal(sizeBytes, FILE_BYTES);

    const answer = await fixture.api.requestUpload({ storeId: fixture.storeId, fileName: 'large.zip', sha256, sizeBytes });
    assert.ok(!('exists' in answer));
    // The server runs in this process too, so its streaming of the PUT body is measured as well.
    const sent = await uploadFile({ url: answer.uploadUrl, filePath, sizeBytes, onProgress: sample });
    assert.equal(sent.sha256, sha256);
    const confirmed = await fixture.api.confirmUpload(answer.backupId, sha256);
    assert.equal(confirmed.backup.status, 'AVAILABLE');
    sample();

    const growth = peak - baseline;
    t.diagnostic(`rss growth ${Math.round(growth / 1024 / 1024)} MiB`);
    assert.ok(growth < MAX_RSS_GROWTH_BYTES, `rss grew by ${Math.round(growth / 1024 / 1024)} MiB`);
  });
});
