import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';

export interface S3rverInstance {
  /** `http://127.0.0.1:<port>`, for S3_ENDPOINT (with S3_FORCE_PATH_STYLE=true). */
  endpoint: string;
  bucket: string;
  accessKeyId: 'S3RVER';
  secretAccessKey: 'S3RVER';
  region: 'us-east-1';
  /** Folder where s3rver keeps the bucket's objects. */
  directory: string;
  /** The S3_ variables that point the server at this instance. */
  env: Record<string, string>;
  /** Stops s3rver and removes its folder; later calls do nothing. */
  close(): Promise<void>;
}

/**
 * Starts s3rver (a local S3-protocol server) on 127.0.0.1 with a free port,
 * a temporary folder and one bucket. s3rver checks signatures (credentials
 * S3RVER/S3RVER) but verifies neither object content nor the signed
 * Content-Length, so size and checksum checks fall to the server's confirmation.
 */
export async function startS3rver(options: { bucket?: string; corsXml?: string } = {}): Promise<S3rverInstance> {
  const bucket = options.bucket ?? 'test-backups';
  const directory = await mkdtemp(path.join(tmpdir(), 'cbs-s3rver-'));
  // s3rver recognises a bucket configuration by its XML root element, here <CORSConfiguration>.
  const configs = options.corsXml === undefined ? [] : [options.corsXml];
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: bucket, configs }] });
  const address: AddressInfo = await server.run();
  const endpoint = `http://127.0.0.1:${address.port}`;
  let closed = false;

  return {
    endpoint,
    bucket,
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    region: 'us-east-1',
    directory,
    env: {
      S3_ACCESS_KEY_ID: 'S3RVER',
      S3_SECRET_ACCESS_KEY: 'S3RVER',
      S3_BUCKET_NAME: bucket,
      S3_REGION: 'us-east-1',
      S3_ENDPOINT: endpoint,
      S3_FORCE_PATH_STYLE: 'true',
    },
    async close() {
      if (closed) return;
      closed = true;
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
