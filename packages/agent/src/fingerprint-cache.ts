import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { z } from 'zod';
import { isNotFound, writeFileAtomically } from './atomic-file.ts';

/** File name of the fingerprint cache, beside `cloud-sync.json` in the backups folder. */
export const FINGERPRINT_CACHE_FILE_NAME = 'cloud-sync.hashes.json';

/** Size, mtime and hash of a local file when it was last hashed, so an unchanged file is not hashed again. */
export interface FileFingerprint {
  sizeBytes: number;
  mtimeMs: number;
  sha256: string;
}

const cacheFileSchema = z.record(
  z.string(),
  z.object({
    sizeBytes: z.number().int().nonnegative(),
    mtimeMs: z.number().nonnegative(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
  }),
);

/**
 * Fingerprints of the backups folder's files keyed by file path, kept in
 * `<backupsDir>/cloud-sync.hashes.json` so that a restart hashes only new or changed files.
 * `cloud-sync.json` has a fixed format with no field for them, hence the separate file.
 * A fingerprint is used only while the file's size and mtime both match it, and a missing or
 * corrupt cache file only costs one more hash of each file.
 */
export class FingerprintCache {
  readonly filePath: string;
  readonly #logger: Logger;
  readonly #entries = new Map<string, FileFingerprint>();
  /** True when the entries differ from the file's content. */
  #dirty = false;
  #writeQueue: Promise<void> = Promise.resolve();

  constructor(options: { backupsDir: string; logger: Logger }) {
    this.filePath = path.join(options.backupsDir, FINGERPRINT_CACHE_FILE_NAME);
    this.#logger = options.logger;
  }

  /** Reads the cache file. A missing file gives an empty cache, and an unreadable or invalid one is logged and rebuilt. */
  loadSync(): void {
    let text: string;
    try {
      text = readFileSync(this.filePath, 'utf8');
    } catch (error) {
      if (isNotFound(error)) return;
      this.#logger.warn({ err: error, cachePath: this.filePath }, 'fingerprint cache unreadable; every backup will be hashed again');
      this.#dirty = true;
      return;
    }

    const parsed = cacheFileSchema.safeParse(parseJson(text));
    if (!parsed.success) {
      this.#logger.warn({ cachePath: this.filePath }, 'fingerprint cache is corrupt; every backup will be hashed again and the cache rewritten');
      this.#dirty = true;
      return;
    }
    for (const [filePath, fingerprint] of Object.entries(parsed.data)) this.#entries.set(filePath, fingerprint);
  }

  get(filePath: string): FileFingerprint | undefined {
    return this.#entries.get(filePath);
  }

  set(filePath: string, fingerprint: FileFingerprint): void {
    this.#entries.set(filePath, { ...fingerprint });
    this.#dirty = true;
  }

  delete(filePath: string): void {
    if (this.#entries.delete(filePath)) this.#dirty = true;
  }

  keys(): string[] {
    return [...this.#entries.keys()];
  }

  /**
   * Writes the cache atomically when it changed. A failed write is logged, not thrown,
   * because the cache only saves hashing time and the next save writes it again.
   */
  save(): Promise<void> {
    if (!this.#dirty) return this.#writeQueue;
    this.#dirty = false;
    const text = `${JSON.stringify(Object.fromEntries(this.#entries), null, 2)}\n`;
    this.#writeQueue = this.#writeQueue.then(async () => {
      try {
        await writeFileAtomically(this.filePath, text);
      } catch (error) {
        this.#dirty = true;
        this.#logger.warn({ err: error, cachePath: this.filePath }, 'could not write the fingerprint cache; will try again after the next pass');
      }
    });
    return this.#writeQueue;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // Not JSON: the schema check that follows reports the cache as corrupt.
    return undefined;
  }
}
