import { readFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { SYNC_STATE_FILE_NAME, emptySyncState, syncStateSchema, type SyncState } from '@cloud-backup-sync/protocol';
import type { Logger } from 'pino';
import { isNotFound, writeFileAtomically } from './atomic-file.ts';

export interface StateStoreOptions {
  backupsDir: string;
  logger: Logger;
  now: () => Date;
}

export interface LoadedState {
  state: SyncState;
  /**
   * True when the state file was corrupt or invalid and was moved aside. The caller must
   * rebuild the state by rescanning the folder. Uploaded backups are then found again
   * because the server returns `exists: true` for them.
   */
  recovered: boolean;
  /** New path of the unreadable file, when `recovered` is true. */
  corruptPath?: string;
}

/**
 * Reads and writes `<backupsDir>/cloud-sync.json` in exactly the `SyncState` format that existing desktop clients read and write.
 * Writes are atomic (temporary file in the same folder, fsync, rename, fsync of the folder),
 * so a crash leaves either the old or the new complete file, and they run one at a time.
 */
export class StateStore {
  readonly filePath: string;
  readonly #logger: Logger;
  readonly #now: () => Date;
  /** The last write in the queue; each write starts after the previous one settles. */
  #writeQueue: Promise<void> = Promise.resolve();

  constructor(options: StateStoreOptions) {
    this.filePath = path.join(options.backupsDir, SYNC_STATE_FILE_NAME);
    this.#logger = options.logger;
    this.#now = options.now;
  }

  /**
   * Loads the state. A missing file gives an empty state. A file that is not JSON or does
   * not match the schema is renamed to `cloud-sync.json.corrupt-<timestamp>` and logged at
   * warn, never silently emptied. Synchronous so that `getState()` is right from the start;
   * the file is small.
   */
  loadSync(): LoadedState {
    let text: string;
    try {
      text = readFileSync(this.filePath, 'utf8');
    } catch (error) {
      if (isNotFound(error)) return { state: emptySyncState(), recovered: false };
      throw error;
    }

    const problem = validate(text);
    if (problem.state !== undefined) return { state: problem.state, recovered: false };

    const corruptPath = `${this.filePath}.corrupt-${this.#now().toISOString().replace(/[:.]/g, '-')}`;
    renameSync(this.filePath, corruptPath);
    this.#logger.warn(
      { statePath: this.filePath, corruptPath, reason: problem.reason },
      'sync state file is corrupt; moved it aside and will rebuild the state by rescanning the backups folder',
    );
    return { state: emptySyncState(), recovered: true, corruptPath };
  }

  /** Writes a snapshot of `state` atomically, after any write already queued. */
  save(state: SyncState): Promise<void> {
    // Serialize now, so later changes to `state` do not leak into this write.
    const text = `${JSON.stringify(toFileFormat(state), null, 2)}\n`;
    const write = this.#writeQueue.then(() => writeFileAtomically(this.filePath, text));
    // The queue continues after a failed write; the failure still reaches this caller.
    this.#writeQueue = write.catch(() => undefined);
    return write;
  }
}

/**
 * Builds the file's content with exactly the `SyncState` fields, in their documented order,
 * dropping anything else a caller may have attached.
 */
export function toFileFormat(state: SyncState): SyncState {
  return {
    lastSyncAt: state.lastSyncAt,
    pendingBackups: state.pendingBackups.map((entry) => ({
      filePath: entry.filePath,
      sha256: entry.sha256,
      sizeBytes: entry.sizeBytes,
      storeId: entry.storeId,
      addedAt: entry.addedAt,
      retries: entry.retries,
      ...(entry.lastError === undefined ? {} : { lastError: entry.lastError }),
    })),
    uploadedBackups: [...state.uploadedBackups],
    failedBackups: state.failedBackups.map((entry) => ({
      filePath: entry.filePath,
      sha256: entry.sha256,
      error: entry.error,
      failedAt: entry.failedAt,
      retries: entry.retries,
    })),
  };
}

function validate(text: string): { state: SyncState; reason?: undefined } | { state?: undefined; reason: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { reason: `not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  const parsed = syncStateSchema.safeParse(json);
  if (!parsed.success) return { reason: `does not match the SyncState schema: ${parsed.error.message}` };
  return { state: parsed.data };
}
