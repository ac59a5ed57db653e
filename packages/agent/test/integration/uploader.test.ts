import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { ShortReadError, UploadError, uploadFile } from '../../src/uploader.ts';
import { makeTempDir, writeZip } from '../helpers.ts';
import { startFixture, stoppedServerUrl, type Fixture } from './server-fixture.ts';

function sha256Of(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

describe('uploadFile against the real server', () => {
  let fixture: Fixture;
  let dir: string;
  let cleanup: () => Promise<void>;
  let counter = 0;

  before(async () => {
    fixture = await startFixture('filesystem');
  });
  after(() => fixture.server.close());
  beforeEach(async () => {
    ({ dir, cleanup } = await makeTempDir());
  });
  afterEach(() => cleanup());

  async function prepare(): Promise<{ filePath: string; bytes: Buffer; uploadUrl: string; backupId: string }> {
    counter += 1;
    const filePath = path.join(dir, `upload-${counter}.zip`);
    const bytes = await writeZip(filePath, 50_000 + counter);
    const answer = await fixture.api.requestUpload({ storeId: fixture.storeId, fileName: path.basename(filePath), sha256: sha256Of(bytes), sizeBytes: bytes.length });
    assert.ok(!('exists' in answer));
    return { filePath, bytes, uploadUrl: answer.uploadUrl, backupId: answer.backupId };
  }

  it('streams the file and returns the hash of the bytes sent', async () => {
    const { filePath, bytes, uploadUrl, backupId } = await prepare();
    const progress: number[] = [];
    const result = await uploadFile({ url: uploadUrl, filePath, sizeBytes: bytes.length, onProgress: (event) => progress.push(event.bytesDone) });

    assert.equal(result.status, 200);
    assert.equal(result.sha256, sha256Of(bytes));
    assert.equal(result.sizeBytes, bytes.length);
    assert.equal(progress.at(-1), bytes.length);
    const confirmed = await fixture.api.confirmUpload(backupId, sha256Of(bytes));
    assert.equal(confirmed.backup.status, 'AVAILABLE');
  });

  it('reports a tampered signature as url-rejected', async () => {
    const { filePath, bytes, uploadUrl } = await prepare();
    const tampered = uploadUrl.replace(/sig=([0-9a-f])/, (_whole, first: string) => `sig=${first === '0' ? '1' : '0'}`);
    const error = await uploadFile({ url: tampered, filePath, sizeBytes: bytes.length }).catch((caught: unknown) => caught);

    assert.ok(error instanceof UploadError);
    assert.equal(error.kind, 'url-rejected');
    assert.equal(error.status, 403);
    assert.equal(error.code, 'INVALID_SIGNATURE');
    assert.equal(error.message.includes('sig='), false);
  });

  it('reports other bytes of the same size as content-rejected', async () => {
    const { filePath, bytes, uploadUrl } = await prepare();
    const altered = Buffer.from(bytes);
    altered[500] = (altered[500] ?? 0) ^ 0xff;
    await writeFile(filePath, altered);
    const error = await uploadFile({ url: uploadUrl, filePath, sizeBytes: bytes.length }).catch((caught: unknown) => caught);

    assert.ok(error instanceof UploadError);
    assert.equal(error.kind, 'content-rejected');
    assert.equal(error.code, 'CHECKSUM_MISMATCH');
  });

  it('fails with ShortReadError when the file shrank', async () => {
    const { filePath, bytes, uploadUrl } = await prepare();
    await truncate(filePath, bytes.length - 100);
    const error = await uploadFile({ url: uploadUrl, filePath, sizeBytes: bytes.length }).catch((caught: unknown) => caught);
    assert.ok(error instanceof ShortReadError);
  });

  it('sends only sizeBytes bytes of a file that grew', async () => {
    const { filePath, bytes, uploadUrl } = await prepare();
    await writeFile(filePath, Buffer.concat([bytes, Buffer.from('appended later')]));
    const result = await uploadFile({ url: uploadUrl, filePath, sizeBytes: bytes.length });
    assert.equal(result.sha256, sha256Of(bytes));
  });

  it('reports an unreachable server as network', async () => {
    const { filePath, bytes, uploadUrl } = await prepare();
    const url = new URL(uploadUrl);
    const down = new URL(await stoppedServerUrl());
    url.port = down.port;
    const error = await uploadFile({ url: url.toString(), filePath, sizeBytes: bytes.length }).catch((caught: unknown) => caught);
    assert.ok(error instanceof UploadError);
    assert.equal(error.kind, 'network');
    assert.equal(error.status, 0);
  });

  it('stops when the signal aborts', async () => {
    const { filePath, bytes, uploadUrl } = await prepare();
    const controller = new AbortController();
    controller.abort();
    const error = await uploadFile({ url: uploadUrl, filePath, sizeBytes: bytes.length, signal: controller.signal }).catch((caught: unknown) => caught);
    assert.ok(error instanceof UploadError);
    assert.equal(error.kind, 'aborted');
  });

  it('rejects a URL that is not http or https', async () => {
    const { filePath, bytes } = await prepare();
    const error = await uploadFile({ url: 'ftp://127.0.0.1/x', filePath, sizeBytes: bytes.length }).catch((caught: unknown) => caught);
    assert.ok(error instanceof UploadError);
    assert.equal(error.kind, 'rejected');
  });

  it('keeps the file untouched', async () => {
    const { filePath, bytes, uploadUrl } = await prepare();
    await uploadFile({ url: uploadUrl, filePath, sizeBytes: bytes.length });
    assert.deepEqual(await readFile(filePath), bytes);
  });
});

describe('uploadFile against s3rver through the real server', () => {
  let fixture: Fixture;
  let dir: string;
  let cleanup: () => Promise<void>;

  before(async () => {
    fixture = await startFixture('s3');
    ({ dir, cleanup } = await makeTempDir());
  });
  after(async () => {
    await fixture.server.close();
    await cleanup();
  });

  it('sends the extra headers it is given', async () => {
    const filePath = path.join(dir, 'with-headers.zip');
    const bytes = await writeZip(filePath);
    const sha256 = sha256Of(bytes);
    const answer = await fixture.api.requestUpload({ storeId: fixture.storeId, fileName: 'with-headers.zip', sha256, sizeBytes: bytes.length });
    assert.ok(!('exists' in answer));

    await uploadFile({ url: answer.uploadUrl, filePath, sizeBytes: bytes.length, headers: { 'content-type': 'application/x-backup-test' } });
    await fixture.api.confirmUpload(answer.backupId, sha256);

    // s3rver stores the Content-Type of the PUT and returns it on GET.
    const { downloadUrl } = await fixture.api.requestDownload(answer.backupId);
    const response = await fetch(downloadUrl);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/x-backup-test');
    assert.equal(sha256Of(Buffer.from(await response.arrayBuffer())), sha256);
  });
});
