import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, type ReadStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CHECKSUM_SHA256_HEADER, S3_MAX_SINGLE_UPLOAD_BYTES } from '@cloud-backup-sync/protocol';
import { AppError } from '../../http/app-error.ts';
import { assertSafeObjectKey, isSafeObjectKey } from '../object-key.ts';
import type { DeleteObjectsResult, ObjectStat, PresignedUpload, PresignUploadRequest, StorageDriver } from '../storage-driver.ts';
import { UrlSigner, type SignedOperation } from './url-signer.ts';

/** Objects `deleteObjects` removes concurrently. */
const PARALLEL_DELETIONS = 32;

/** Path prefix of the routes that serve this driver's signed URLs. */
export const STORAGE_ROUTE_PREFIX = '/api/storage/objects';

export interface FilesystemDriverOptions {
  /** Folder of the objects, laid out by object key. */
  objectsDir: string;
  /** Folder of the server's data, where the URL signing secret and checksum records live. */
  dataDir: string;
  /** Returns the base URL clients reach this server at; called per URL because the port is known only after listen. */
  baseUrl: () => string;
}

/**
 * Stores objects on the server's own disk. The server issues and serves its
 * own signed URLs, and a PUT is renamed into place only after its size and
 * SHA-256 matched the signed values, so an object on disk always has the
 * bytes it was signed for. The verified SHA-256 is recorded under
 * `DATA_DIR/object-checksums` so that `stat` returns it without re-reading.
 */
export class FilesystemDriver implements StorageDriver {
  readonly kind = 'filesystem';
  // Same limit as a single S3 PUT, so that a backup accepted here could move to S3.
  readonly maxUploadBytes = S3_MAX_SINGLE_UPLOAD_BYTES;
  readonly #objectsDir: string;
  readonly #checksumsDir: string;
  readonly #baseUrl: () => string;
  readonly #signer: UrlSigner;

  constructor(options: FilesystemDriverOptions) {
    this.#objectsDir = path.resolve(options.objectsDir);
    this.#checksumsDir = path.resolve(options.dataDir, 'object-checksums');
    this.#baseUrl = options.baseUrl;
    this.#signer = new UrlSigner(path.join(options.dataDir, 'url-signing.key'));
  }

  async ensureReady(): Promise<void> {
    await mkdir(this.#objectsDir, { recursive: true });
    await mkdir(this.#checksumsDir, { recursive: true });
    await this.#signer.load();
  }

  /**
   * Signs a PUT bound to the size and SHA-256. With `checksumHeader` it also
   * returns the same `x-amz-checksum-sha256` header as the S3 driver. The PUT
   * route compares that header with the signed SHA-256, so clients send the
   * same headers whichever driver runs.
   */
  async presignUpload(request: PresignUploadRequest): Promise<PresignedUpload> {
    this.#resolve(request.objectKey);
    const query = this.#signer.sign({
      method: 'PUT',
      objectKey: request.objectKey,
      sizeBytes: request.sizeBytes,
      sha256: request.sha256,
      expiresAt: nowSeconds() + request.expiresIn,
    });
    const url = `${this.#objectUrl(request.objectKey)}?${query}`;
    const headers: Record<string, string> = {};
    if (request.checksumHeader) headers[CHECKSUM_SHA256_HEADER] = Buffer.from(request.sha256, 'hex').toString('base64');
    return { url, headers };
  }

  async presignDownload(request: { objectKey: string; fileName: string; expiresIn: number }): Promise<string> {
    this.#resolve(request.objectKey);
    const query = this.#signer.sign({
      method: 'GET',
      objectKey: request.objectKey,
      fileName: request.fileName,
      expiresAt: nowSeconds() + request.expiresIn,
    });
    return `${this.#objectUrl(request.objectKey)}?${query}`;
  }

  async stat(objectKey: string): Promise<ObjectStat | null> {
    const file = this.#resolve(objectKey);
    const fileStat = await statOrNull(file);
    if (fileStat === null) return null;

    const recorded = await this.#readChecksum(objectKey);
    const sha256 = recorded !== undefined && recorded.sizeBytes === fileStat.size ? recorded.sha256 : undefined;
    return sha256 === undefined ? { sizeBytes: fileStat.size } : { sizeBytes: fileStat.size, sha256 };
  }

  async hashObject(objectKey: string): Promise<string> {
    const hash = createHash('sha256');
    await pipeline(createReadStream(this.#resolve(objectKey)), hash);
    return hash.digest('hex');
  }

  async deleteObject(objectKey: string): Promise<void> {
    await rm(this.#resolve(objectKey), { force: true });
    await rm(this.#checksumFile(objectKey), { force: true });
  }

  async deleteObjects(objectKeys: readonly string[]): Promise<DeleteObjectsResult> {
    for (const objectKey of objectKeys) this.#resolve(objectKey);

    const failed: DeleteObjectsResult['failed'] = [];
    // Several removals in flight at once: one at a time spends most of its time waiting on the file system.
    for (let start = 0; start < objectKeys.length; start += PARALLEL_DELETIONS) {
      const batch = objectKeys.slice(start, start + PARALLEL_DELETIONS);
      const outcomes = await Promise.allSettled(batch.map((objectKey) => this.deleteObject(objectKey)));
      outcomes.forEach((outcome, index) => {
        // Reported to the caller, which keeps the row marked for the next run.
        if (outcome.status === 'rejected') {
          const reason: unknown = outcome.reason;
          failed.push({ objectKey: batch[index] ?? '', reason: reason instanceof Error ? reason.message : String(reason) });
        }
      });
    }
    return { failed };
  }

  /** Checks a storage URL's signature; see `UrlSigner.verify` for the errors. */
  verifyRequest(method: 'PUT' | 'GET', objectKey: string, query: URLSearchParams): SignedOperation {
    if (!isSafeObjectKey(objectKey)) throw new AppError('INVALID_SIGNATURE');
    return this.#signer.verify(method, objectKey, query, nowSeconds());
  }

  /**
   * Streams `body` into a temporary file in the object's folder while hashing
   * it, then renames it into place only when the size and SHA-256 equal the
   * signed values. Raises SIZE_MISMATCH or CHECKSUM_MISMATCH otherwise; the
   * temporary file is removed in every case.
   */
  async writeObject(objectKey: string, body: Readable, expected: { sizeBytes: number; sha256: string }): Promise<void> {
    const file = this.#resolve(objectKey);
    await mkdir(path.dirname(file), { recursive: true });
    const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${randomUUID()}.tmp`);

    try {
      const received = await writeHashed(body, temporary, expected.sizeBytes);
      if (received.sizeBytes !== expected.sizeBytes) {
        throw new AppError('SIZE_MISMATCH', { actual: received.sizeBytes, expected: expected.sizeBytes });
      }
      if (received.sha256 !== expected.sha256) {
        throw new AppError('CHECKSUM_MISMATCH', { actual: received.sha256, expected: expected.sha256 });
      }

      await this.#writeChecksum(objectKey, received);
      await rename(temporary, file);
    } finally {
      await rm(temporary, { force: true });
    }
  }

  /** Opens an object for a download; null when it does not exist. */
  async openObject(objectKey: string): Promise<{ stream: ReadStream; sizeBytes: number } | null> {
    const file = this.#resolve(objectKey);
    const fileStat = await statOrNull(file);
    if (fileStat === null) return null;
    return { stream: createReadStream(file), sizeBytes: fileStat.size };
  }

  #objectUrl(objectKey: string): string {
    const encodedKey = objectKey.split('/').map(encodeURIComponent).join('/');
    return `${this.#baseUrl()}${STORAGE_ROUTE_PREFIX}/${encodedKey}`;
  }

  /** Maps a key to its file, refusing keys that could leave the objects folder. */
  #resolve(objectKey: string): string {
    assertSafeObjectKey(objectKey);

    const file = path.resolve(this.#objectsDir, objectKey);
    if (!file.startsWith(this.#objectsDir + path.sep)) throw new Error(`Object key ${JSON.stringify(objectKey)} leaves the objects folder`);
    return file;
  }

  #checksumFile(objectKey: string): string {
    this.#resolve(objectKey);
    return path.join(this.#checksumsDir, `${objectKey}.sha256`);
  }

  async #readChecksum(objectKey: string): Promise<{ sha256: string; sizeBytes: number } | undefined> {
    let text: string;
    try {
      text = await readFile(this.#checksumFile(objectKey), 'utf8');
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }

    const match = /^([0-9a-f]{64}) (\d+)\n?$/.exec(text);
    if (match === null) return undefined;
    return { sha256: match[1] ?? '', sizeBytes: Number(match[2]) };
  }

  async #writeChecksum(objectKey: string, checksum: { sha256: string; sizeBytes: number }): Promise<void> {
    const file = this.#checksumFile(objectKey);
    await mkdir(path.dirname(file), { recursive: true });
    const temporary = `${file}.${randomUUID()}.tmp`;
    try {
      await writeFile(temporary, `${checksum.sha256} ${checksum.sizeBytes}\n`);
      await rename(temporary, file);
    } finally {
      await rm(temporary, { force: true });
    }
  }
}

/**
 * Copies `body` to `file` while counting and hashing, then fsyncs it. Stops
 * reading as soon as more than `maxBytes` arrive, so an oversized body never
 * fills the disk.
 */
async function writeHashed(body: Readable, file: string, maxBytes: number): Promise<{ sizeBytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let sizeBytes = 0;

  const meter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      sizeBytes += chunk.length;
      if (sizeBytes > maxBytes) {
        callback(new AppError('SIZE_MISMATCH', { actual: `> ${maxBytes}`, expected: maxBytes }));
        return;
      }
      hash.update(chunk);
      callback(null, chunk);
    },
  });

  await pipeline(body, meter, createWriteStream(file, { mode: 0o600 }));

  // fsync before the caller renames, so a crash cannot leave a renamed but empty object.
  const handle = await open(file, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
  return { sizeBytes, sha256: hash.digest('hex') };
}

async function statOrNull(file: string): Promise<{ size: number } | null> {
  try {
    return await stat(file);
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}

function isNotFound(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'ENOENT';
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
