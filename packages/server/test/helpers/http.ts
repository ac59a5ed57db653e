import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { createDeviceResponseSchema, requestUploadNewSchema } from '@cloud-backup-sync/protocol';
import type { TestServer } from './start-test-server.ts';

export interface JsonResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON body; undefined when the body was empty. A non-JSON body raises instead. */
  body: unknown;
}

/**
 * Sends one request to a test server with fetch. `body` is sent as JSON
 * unless it is a string, which is sent as is (for malformed-JSON tests).
 * `token: null` sends no Authorization header.
 */
export async function callApi(
  server: TestServer,
  method: string,
  path: string,
  options: { body?: unknown; token?: string | null; headers?: Record<string, string> } = {},
): Promise<JsonResponse> {
  const headers: Record<string, string> = {};
  const token = options.token === undefined ? server.token : options.token;
  if (token !== null) headers['authorization'] = `Bearer ${token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  Object.assign(headers, options.headers);

  let body: string | undefined;
  if (typeof options.body === 'string') body = options.body;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  const response = await fetch(`${server.url}${path}`, { method, headers, body });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === '' ? undefined : parseJson(text) };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`Response is not JSON: ${text.slice(0, 200)}`, { cause: error });
  }
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Returns the object keys currently in the server's storage, sorted. */
export async function listStoredObjects(server: TestServer): Promise<string[]> {
  const storage = server.config.storage;
  if (storage.kind === 'filesystem') {
    const entries = await readdir(storage.objectsDir, { recursive: true, withFileTypes: true });
    return entries
      .filter((entry) => entry.isFile())
      .map((entry) => path.relative(storage.objectsDir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
      .sort();
  }

  const client = new S3Client({
    region: storage.region,
    endpoint: storage.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: storage.accessKeyId, secretAccessKey: storage.secretAccessKey },
  });
  try {
    const listing = await client.send(new ListObjectsV2Command({ Bucket: storage.bucket }));
    return (listing.Contents ?? []).map((object) => object.Key ?? '').sort();
  } finally {
    client.destroy();
  }
}

/** Creates a store through the API and returns its id. */
export async function createStore(server: TestServer, id: string, name = `Tienda ${id}`): Promise<string> {
  const response = await callApi(server, 'POST', '/api/stores', { body: { id, name } });
  if (response.status !== 201) throw new Error(`Creating store ${id} failed: ${JSON.stringify(response.body)}`);
  return id;
}

/** Runs request-upload, the PUT of `bytes`, and confirm-upload; returns the backup id. */
export async function uploadBackup(
  server: TestServer,
  storeId: string,
  bytes: Uint8Array,
  fileName = 'backup.zip',
  options: { token?: string } = {},
): Promise<string> {
  const sha256 = sha256Hex(bytes);
  const requested = await callApi(server, 'POST', '/api/cloud-backups/request-upload', {
    body: { storeId, fileName, sha256, sizeBytes: bytes.length },
    token: options.token,
  });
  if (requested.status !== 200) throw new Error(`request-upload failed: ${JSON.stringify(requested.body)}`);
  const answer = requestUploadNewSchema.parse(requested.body);

  const put = await fetch(answer.uploadUrl, { method: 'PUT', body: bytes });
  if (!put.ok) throw new Error(`PUT failed with HTTP ${put.status}: ${await put.text()}`);

  const confirmed = await callApi(server, 'POST', '/api/cloud-backups/confirm-upload', {
    body: { backupId: answer.backupId, sha256 },
    token: options.token,
  });
  if (confirmed.status !== 200) throw new Error(`confirm-upload failed: ${JSON.stringify(confirmed.body)}`);
  return answer.backupId;
}

/** Creates a device token for `storeId` through the API and returns the device id and its token. */
export async function createDevice(server: TestServer, storeId: string, name = `Caja ${storeId}`): Promise<{ id: string; token: string }> {
  const response = await callApi(server, 'POST', '/api/devices', { body: { storeId, name } });
  if (response.status !== 201) throw new Error(`Creating a device for ${storeId} failed: ${JSON.stringify(response.body)}`);
  const created = createDeviceResponseSchema.parse(response.body);
  return { id: created.device.id, token: created.token };
}
