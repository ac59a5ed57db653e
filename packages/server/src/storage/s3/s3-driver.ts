import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { CHECKSUM_SHA256_HEADER, S3_MAX_SINGLE_UPLOAD_BYTES } from '@cloud-backup-sync/protocol';
import type { StorageConfig } from '../../config/config.ts';
import { attachmentContentDisposition } from '../content-disposition.ts';
import { assertSafeObjectKey } from '../object-key.ts';
import type { DeleteObjectsResult, ObjectStat, PresignedUpload, PresignUploadRequest, StorageDriver } from '../storage-driver.ts';
import { describeBucketError, isObjectNotFound, translateS3Error } from './s3-errors.ts';

/** Maximum keys per DeleteObjects request (S3 API limit). */
export const MAX_KEYS_PER_DELETE_OBJECTS = 1000;

export type S3StorageConfig = Extract<StorageConfig, { kind: 's3' }>;

/** Creates the S3 client that the driver and `backup-sync doctor` use, with the settings every provider accepts. */
export function createS3Client(config: S3StorageConfig): S3Client {
  return new S3Client({
    region: config.region,
    endpoint: config.endpoint,
    forcePathStyle: config.forcePathStyle,
    credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
    // The SDK's default (WHEN_SUPPORTED in @aws-sdk/checksums, as installed
    // with client-s3 3.1178) adds checksums to uploads and validates them on
    // downloads. Several S3-compatible providers (R2, B2, MinIO) reject or
    // mishandle those, so checksums are sent only when an operation requires one.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/**
 * Stores objects in an S3-compatible bucket. Clients upload and download
 * straight to the bucket through presigned URLs; the server only signs,
 * inspects and deletes.
 */
export class S3Driver implements StorageDriver {
  readonly kind = 's3';
  readonly maxUploadBytes = S3_MAX_SINGLE_UPLOAD_BYTES;
  readonly #client: S3Client;
  readonly #bucket: string;

  constructor(config: S3StorageConfig) {
    this.#bucket = config.bucket;
    this.#client = createS3Client(config);
  }

  /** Checks with HeadBucket that the bucket exists and the credentials may use it. */
  async ensureReady(): Promise<void> {
    try {
      await this.#client.send(new HeadBucketCommand({ Bucket: this.#bucket }));
    } catch (error) {
      throw describeBucketError(error, this.#bucket) ?? translateS3Error(error, 'HeadBucket');
    }
  }

  /**
   * Signs a PUT whose Content-Length is part of the signature, so the
   * provider rejects a body of any other size. With `checksumHeader`, the
   * base64 SHA-256 is signed as the `x-amz-checksum-sha256` header, so a
   * provider that verifies checksums rejects altered bytes as well.
   *
   * The header is listed in `unhoistableHeaders` because the presigner would
   * otherwise move every `x-amz-*` header into the query string, where some
   * S3-compatible providers ignore it. With `requestChecksumCalculation:
   * 'WHEN_REQUIRED'` the SDK adds no `x-amz-sdk-checksum-algorithm` (checked
   * by the presigned URL tests).
   */
  async presignUpload(request: PresignUploadRequest): Promise<PresignedUpload> {
    assertSafeObjectKey(request.objectKey);
    if (!request.checksumHeader) {
      // NOTE: without the signed header, the server's confirmation (stat, then a
      // read-back hash) is the only content check, and a holder of the
      // still-valid URL could overwrite the object after it.
      const command = new PutObjectCommand({ Bucket: this.#bucket, Key: request.objectKey, ContentLength: request.sizeBytes });
      const url = await getSignedUrl(this.#client, command, {
        expiresIn: request.expiresIn,
        signableHeaders: new Set(['content-length']),
      });
      return { url, headers: {} };
    }

    const checksum = Buffer.from(request.sha256, 'hex').toString('base64');
    const command = new PutObjectCommand({
      Bucket: this.#bucket,
      Key: request.objectKey,
      ContentLength: request.sizeBytes,
      ChecksumSHA256: checksum,
    });
    const url = await getSignedUrl(this.#client, command, {
      expiresIn: request.expiresIn,
      signableHeaders: new Set(['content-length', CHECKSUM_SHA256_HEADER]),
      unhoistableHeaders: new Set([CHECKSUM_SHA256_HEADER]),
    });
    return { url, headers: { [CHECKSUM_SHA256_HEADER]: checksum } };
  }

  async presignDownload(request: { objectKey: string; fileName: string; expiresIn: number }): Promise<string> {
    assertSafeObjectKey(request.objectKey);
    const command = new GetObjectCommand({
      Bucket: this.#bucket,
      Key: request.objectKey,
      ResponseContentDisposition: attachmentContentDisposition(request.fileName),
    });
    return getSignedUrl(this.#client, command, { expiresIn: request.expiresIn });
  }

  async stat(objectKey: string): Promise<ObjectStat | null> {
    assertSafeObjectKey(objectKey);
    let head;
    try {
      head = await this.#client.send(
        new HeadObjectCommand({ Bucket: this.#bucket, Key: objectKey, ChecksumMode: 'ENABLED' }),
      );
    } catch (error) {
      if (isObjectNotFound(error)) return null;
      throw translateS3Error(error, 'HeadObject');
    }

    const sizeBytes = head.ContentLength ?? 0;
    // A COMPOSITE checksum (multipart) is a checksum of part checksums, not of
    // the object's bytes, so only FULL_OBJECT (or an untyped single-part) counts.
    const fullObject = head.ChecksumType === undefined || head.ChecksumType === 'FULL_OBJECT';
    if (head.ChecksumSHA256 !== undefined && fullObject && !head.ChecksumSHA256.includes('-')) {
      return { sizeBytes, sha256: Buffer.from(head.ChecksumSHA256, 'base64').toString('hex') };
    }
    return { sizeBytes };
  }

  async hashObject(objectKey: string): Promise<string> {
    assertSafeObjectKey(objectKey);
    const object = await this.#send('GetObject', () =>
      this.#client.send(new GetObjectCommand({ Bucket: this.#bucket, Key: objectKey })),
    );
    if (!(object.Body instanceof Readable)) throw new Error(`GetObject ${objectKey} returned no readable body`);

    const hash = createHash('sha256');
    try {
      await pipeline(object.Body, hash);
    } catch (error) {
      throw translateS3Error(error, 'GetObject body');
    }
    return hash.digest('hex');
  }

  async deleteObject(objectKey: string): Promise<void> {
    assertSafeObjectKey(objectKey);
    // S3 returns 204 for an absent key too, so deletion is idempotent.
    await this.#send('DeleteObject', () => this.#client.send(new DeleteObjectCommand({ Bucket: this.#bucket, Key: objectKey })));
  }

  async deleteObjects(objectKeys: readonly string[]): Promise<DeleteObjectsResult> {
    for (const objectKey of objectKeys) assertSafeObjectKey(objectKey);

    const failed: DeleteObjectsResult['failed'] = [];
    for (let start = 0; start < objectKeys.length; start += MAX_KEYS_PER_DELETE_OBJECTS) {
      const batch = objectKeys.slice(start, start + MAX_KEYS_PER_DELETE_OBJECTS);
      const command = new DeleteObjectsCommand({
        Bucket: this.#bucket,
        // Quiet mode lists only the keys that failed.
        Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
      });
      addContentMd5(command);

      const output = await this.#send('DeleteObjects', () => this.#client.send(command));
      for (const error of output.Errors ?? []) {
        failed.push({ objectKey: error.Key ?? '', reason: `${error.Code ?? 'Error'}: ${error.Message ?? ''}` });
      }
    }
    return { failed };
  }

  /** Closes the client's connections; the driver is unusable afterwards. */
  destroy(): void {
    this.#client.destroy();
  }

  async #send<T>(operation: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw translateS3Error(error, operation);
    }
  }
}

/**
 * Adds `Content-MD5` to a DeleteObjects request. The S3 API reference
 * requires that header on DeleteObjects to general purpose buckets, and MinIO
 * rejects a request without it (`MissingContentMD5`). With
 * `requestChecksumCalculation: 'WHEN_REQUIRED'` the SDK (client-s3 3.1177 as
 * installed) sends only `x-amz-checksum-crc32`. The header is set at the build
 * step, before the request is signed.
 */
function addContentMd5(command: DeleteObjectsCommand): void {
  command.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request;
      if (isRequestWithBody(request) && (typeof request.body === 'string' || request.body instanceof Uint8Array)) {
        request.headers['content-md5'] = createHash('md5').update(request.body).digest('base64');
      }
      return next(args);
    },
    { step: 'build', name: 'deleteObjectsContentMd5' },
  );
}

function isRequestWithBody(value: unknown): value is { headers: Record<string, string>; body: unknown } {
  return typeof value === 'object' && value !== null && 'headers' in value && typeof value.headers === 'object' && value.headers !== null && 'body' in value;
}
