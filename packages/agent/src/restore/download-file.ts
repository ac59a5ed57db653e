import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface DownloadResult {
  sizeBytes: number;
  sha256: string;
}

/** An HTTP response other than 200. */
export class DownloadError extends Error {
  /** HTTP status of the response. */
  readonly status: number;

  constructor(status: number, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DownloadError';
    this.status = status;
  }
}

/** A body that ran past the expected size; the download stopped there. */
export class DownloadTooLargeError extends Error {
  readonly receivedBytes: number;

  constructor(receivedBytes: number, maxBytes: number) {
    super(`received ${receivedBytes} bytes, more than the expected ${maxBytes}`);
    this.name = 'DownloadTooLargeError';
    this.receivedBytes = receivedBytes;
  }
}

/**
 * Streams `url` into a new file at `destination` while computing its SHA-256,
 * so memory stays flat whatever the size. Stops as soon as the body passes
 * `maxBytes`, which the caller sets to the size the listing declares.
 */
export async function downloadToFile(
  url: string,
  destination: string,
  maxBytes: number,
  onBytes: (bytes: number) => void,
  signal?: AbortSignal,
): Promise<DownloadResult> {
  const response = await fetch(url, { signal });
  if (response.status !== 200 || !response.body) {
    const text = await response.text().catch(() => '');
    throw new DownloadError(response.status, `HTTP ${response.status} ${text.slice(0, 200)}`.trim());
  }

  const hash = createHash('sha256');
  let sizeBytes = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      sizeBytes += chunk.length;
      if (sizeBytes > maxBytes) {
        callback(new DownloadTooLargeError(sizeBytes, maxBytes));
        return;
      }
      hash.update(chunk);
      onBytes(sizeBytes);
      callback(null, chunk);
    },
  });

  await pipeline(Readable.fromWeb(response.body), meter, createWriteStream(destination, { flags: 'wx' }), { signal });
  return { sizeBytes, sha256: hash.digest('hex') };
}
