import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import path from 'node:path';
import { test } from 'node:test';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { FilesystemDriver } from '../../src/storage/filesystem/filesystem-driver.ts';
import { UrlSigner } from '../../src/storage/filesystem/url-signer.ts';
import { S3Driver } from '../../src/storage/s3/s3-driver.ts';
import { startS3rver } from '../helpers/start-s3rver.ts';
import { startTestServer } from '../helpers/start-test-server.ts';
import { describeStorageDriver } from './driver-suite.ts';

// The filesystem driver's URLs are served by the API server, so the suite
// drives a second driver instance over the same data folder and signing secret.
describeStorageDriver('filesystem', async () => {
  const server = await startTestServer({ database: 'sqlite', storage: 'filesystem' });
  const objectsDir = path.join(server.dataDir, 'objects');
  const driver = new FilesystemDriver({ objectsDir, dataDir: server.dataDir, baseUrl: () => server.url });
  const signer = new UrlSigner(path.join(server.dataDir, 'url-signing.key'));
  await signer.load();

  return {
    driver,
    verifiesContentOnPut: true,
    verifiesSizeOnPut: true,
    async expiredUploadUrl(request) {
      const query = signer.sign({ method: 'PUT', ...request, expiresAt: Math.floor(Date.now() / 1000) - 1 });
      return `${server.url}/api/storage/objects/${request.objectKey}?${query}`;
    },
    close: server.close,
  };
});

describeStorageDriver('s3 (s3rver)', async () => {
  const s3 = await startS3rver();
  const config = {
    kind: 's3' as const,
    accessKeyId: s3.accessKeyId,
    secretAccessKey: s3.secretAccessKey,
    bucket: s3.bucket,
    region: s3.region,
    endpoint: s3.endpoint,
    forcePathStyle: true,
  };
  const client = new S3Client({ ...config, credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } });

  return {
    driver: new S3Driver(config),
    verifiesContentOnPut: false,
    verifiesSizeOnPut: false,
    async expiredUploadUrl(request) {
      // Signed 20 minutes ago with a 10-minute lifetime.
      const command = new PutObjectCommand({ Bucket: s3.bucket, Key: request.objectKey, ContentLength: request.sizeBytes });
      return getSignedUrl(client, command, { expiresIn: 600, signingDate: new Date(Date.now() - 1_200_000) });
    },
    async close() {
      client.destroy();
      await s3.close();
    },
  };
});

/** Returns the query parameter names that carry a checksum, which must never appear in a presigned URL. */
function checksumQueryKeys(url: URL): string[] {
  return [...url.searchParams.keys()].filter((key) => /^x-amz-(sdk-)?checksum-/i.test(key));
}

function signedHeadersOf(url: URL): string[] {
  return url.searchParams.get('X-Amz-SignedHeaders')?.split(';') ?? [];
}

for (const checksumHeader of [false, true]) {
  test(`s3 presigned URLs ${checksumHeader ? 'with' : 'without'} checksum header`, async () => {
    const s3 = await startS3rver();
    try {
      const driver = new S3Driver({
        kind: 's3',
        accessKeyId: s3.accessKeyId,
        secretAccessKey: s3.secretAccessKey,
        bucket: s3.bucket,
        region: s3.region,
        endpoint: s3.endpoint,
        forcePathStyle: true,
      });
      const objectKey = `stores/a/2026/01/01/${'a'.repeat(64)}.zip`;
      const upload = await driver.presignUpload({ objectKey, sizeBytes: 1234, sha256: 'a'.repeat(64), expiresIn: 600, checksumHeader });
      const uploadUrl = new URL(upload.url);
      const downloadUrl = new URL(await driver.presignDownload({ objectKey, fileName: 'x.zip', expiresIn: 600 }));

      assert.deepEqual(checksumQueryKeys(uploadUrl), [], upload.url);
      assert.deepEqual(checksumQueryKeys(downloadUrl), []);
      assert.ok(signedHeadersOf(uploadUrl).includes('content-length'));
      assert.equal(signedHeadersOf(uploadUrl).includes('x-amz-checksum-sha256'), checksumHeader);
      assert.equal(uploadUrl.searchParams.get('X-Amz-Expires'), '600');

      const expectedHeaders = checksumHeader ? { 'x-amz-checksum-sha256': Buffer.from('a'.repeat(64), 'hex').toString('base64') } : {};
      assert.deepEqual(upload.headers, expectedHeaders);
    } finally {
      await s3.close();
    }
  });
}

test('s3 DeleteObjects sends Content-MD5 in batches of 1000', async () => {
  const s3 = await startS3rver();
  const recorder = await startRecordingProxy(s3.endpoint);
  try {
    const driver = new S3Driver({
      kind: 's3',
      accessKeyId: s3.accessKeyId,
      secretAccessKey: s3.secretAccessKey,
      bucket: s3.bucket,
      region: s3.region,
      endpoint: recorder.endpoint,
      forcePathStyle: true,
    });
    const keys = Array.from({ length: 2345 }, (_, index) => `stores/md5/2026/01/01/${String(index).padStart(64, '0')}.zip`);
    // A few keys exist; deleting the absent others is a no-op for S3.
    const existing = [keys[0], keys[1500], keys[2344]].filter((key) => key !== undefined);
    for (const objectKey of existing) {
      const upload = await driver.presignUpload({ objectKey, sizeBytes: 3, sha256: '0'.repeat(64), expiresIn: 600, checksumHeader: false });
      assert.equal((await fetch(upload.url, { method: 'PUT', body: 'abc', headers: upload.headers })).status, 200);
    }
    recorder.requests.length = 0;

    assert.deepEqual(await driver.deleteObjects(keys), { failed: [] });
    for (const objectKey of existing) assert.equal(await driver.stat(objectKey), null);

    const deletes = recorder.requests.filter((request) => request.method === 'POST' && new URL(request.url, 'http://x').searchParams.has('delete'));
    assert.deepEqual(deletes.map((request) => (request.body.match(/<Key>/g) ?? []).length), [1000, 1000, 345]);
    for (const request of deletes) {
      assert.equal(request.headers['content-md5'], createHash('md5').update(request.body).digest('base64'));
      assert.ok(String(request.headers['authorization']).includes('content-md5'), 'Content-MD5 is signed');
    }
  } finally {
    await recorder.close();
    await s3.close();
  }
});

interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * Starts an HTTP proxy on 127.0.0.1 that records each request's headers and
 * body, then forwards it unchanged to `target` (s3rver), so that a test can
 * see exactly what the SDK sent.
 */
async function startRecordingProxy(target: string): Promise<{ endpoint: string; requests: RecordedRequest[]; close(): Promise<void> }> {
  const targetUrl = new URL(target);
  const requests: RecordedRequest[] = [];
  const proxy = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      requests.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body: body.toString('utf8') });
      const upstream = httpRequest(
        { host: targetUrl.hostname, port: targetUrl.port, method: request.method, path: request.url, headers: request.headers },
        (upstreamResponse) => {
          response.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers);
          upstreamResponse.pipe(response);
        },
      );
      upstream.on('error', (error) => response.destroy(error));
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const address = proxy.address();
  if (address === null || typeof address === 'string') throw new Error('proxy is not listening on a TCP port');

  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    requests,
    close: () => new Promise<void>((resolve, reject) => {
      proxy.closeAllConnections();
      proxy.close((error) => (error ? reject(error) : resolve()));
    }),
  };
}
