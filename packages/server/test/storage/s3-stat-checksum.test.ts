import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { S3Driver } from '../../src/storage/s3/s3-driver.ts';

// s3rver returns no checksum on HeadObject, so this local HTTP server stands in for a
// provider that does: it responds to every HEAD with the headers the case sets.
// Only the response headers of HeadObject matter to S3Driver.stat.
describe('s3 stat with provider checksums', () => {
  let server: Server;
  let driver: S3Driver;
  let headHeaders: Record<string, string> = {};

  before(async () => {
    server = createServer((request, response) => {
      response.writeHead(200, { 'content-length': '5', ...headHeaders });
      response.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    driver = new S3Driver({
      kind: 's3',
      accessKeyId: 'test',
      secretAccessKey: 'test',
      bucket: 'bucket',
      region: 'us-east-1',
      endpoint: `http://127.0.0.1:${port}`,
      forcePathStyle: true,
    });
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const objectKey = `stores/s/2026/01/01/${'b'.repeat(64)}.zip`;
  const sha256 = 'ab'.repeat(32);
  const base64 = Buffer.from(sha256, 'hex').toString('base64');

  test('full-object checksum is returned', async () => {
    headHeaders = { 'x-amz-checksum-sha256': base64, 'x-amz-checksum-type': 'FULL_OBJECT' };
    assert.deepEqual(await driver.stat(objectKey), { sizeBytes: 5, sha256 });
  });

  test('untyped checksum is returned', async () => {
    headHeaders = { 'x-amz-checksum-sha256': base64 };
    assert.deepEqual(await driver.stat(objectKey), { sizeBytes: 5, sha256 });
  });

  test('composite checksum is ignored', async () => {
    headHeaders = { 'x-amz-checksum-sha256': `${base64}-3`, 'x-amz-checksum-type': 'COMPOSITE' };
    assert.deepEqual(await driver.stat(objectKey), { sizeBytes: 5 });
  });

  test('missing checksum means read back', async () => {
    headHeaders = {};
    assert.deepEqual(await driver.stat(objectKey), { sizeBytes: 5 });
  });
});
