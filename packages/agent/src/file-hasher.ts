import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';

/** Bytes read per chunk. Memory use of a hash is about one chunk, whatever the file size. */
export const HASH_CHUNK_BYTES = 1024 * 1024;

export interface ByteProgress {
  bytesDone: number;
  bytesTotal: number;
}

export interface HashFileOptions {
  /** Called after every chunk, with the bytes hashed so far. */
  onProgress?: (progress: ByteProgress) => void;
  signal?: AbortSignal;
  /** Size reported as `bytesTotal`; defaults to the file's size when hashing starts. */
  sizeBytes?: number;
}

export interface FileHash {
  /** Lowercase hex SHA-256 of the whole file. */
  sha256: string;
  sizeBytes: number;
}

/**
 * Computes a file's SHA-256 by reading it in chunks into one reused buffer, so memory
 * stays flat (one chunk) for multi-GiB backups and no garbage piles up for the GC.
 */
export async function hashFile(filePath: string, options: HashFileOptions = {}): Promise<FileHash> {
  options.signal?.throwIfAborted();
  const handle = await open(filePath, 'r');
  try {
    const bytesTotal = options.sizeBytes ?? (await handle.stat()).size;
    const buffer = Buffer.allocUnsafe(HASH_CHUNK_BYTES);
    const hash = createHash('sha256');
    let bytesDone = 0;

    for (;;) {
      options.signal?.throwIfAborted();
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, bytesDone);
      if (bytesRead === 0) break;

      hash.update(buffer.subarray(0, bytesRead));
      bytesDone += bytesRead;
      options.onProgress?.({ bytesDone, bytesTotal: Math.max(bytesTotal, bytesDone) });
    }
    return { sha256: hash.digest('hex'), sizeBytes: bytesDone };
  } finally {
    await handle.close();
  }
}
