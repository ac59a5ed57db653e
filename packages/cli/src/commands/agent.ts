import { watch, type FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { CloudBackupSync, DEFAULT_CORRUPT_AFTER_MS, type CloudSyncProgressEvent, type SyncPassSummary } from '@cloud-backup-sync/agent';
import { pino, type Logger } from 'pino';
import { countMessage, EXIT_FAILURE, EXIT_OK, message, printLine, waitForAbort, type CliContext } from '../cli-context.ts';
import { apiFlags, parseFlags, requireApiUrl, requireId, requireString, requireToken, UsageError } from '../flags.ts';
import { createProgress, type ProgressReporter } from '../progress.ts';

export async function runAgent(context: CliContext, args: string[]): Promise<number> {
  const values = parseFlags(context, 'agent', args, {
    ...apiFlags,
    store: { type: 'string' },
    dir: { type: 'string' },
    once: { type: 'boolean' },
    'retry-failed': { type: 'boolean' },
  });
  const apiUrl = requireApiUrl(context, values);
  const token = requireToken(context, values);
  const storeId = requireId(context, values, 'store');
  const backupsDir = await requireFolder(context, requireString(context, values, 'dir'));

  const progress = new AgentProgress(context);
  const sync = new CloudBackupSync({
    backupsDir,
    storeId,
    apiUrl,
    token,
    locale: context.locale,
    logger: createLogger(context),
    onProgress: (event) => progress.handle(event),
  });

  if (values['retry-failed'] === true) await sync.resetFailedBackups();
  if (values.once) return runOnce(context, sync, progress);

  printLine(context.stderr, message(context, 'agent.starting', { dir: backupsDir, api: apiUrl, storeId }));
  sync.startAutoSync();
  const watcher = watchForBackups(backupsDir, sync);
  await waitForAbort(context.signal);
  printLine(context.stderr, message(context, 'agent.stopping'));
  watcher.close();
  sync.stopAutoSync();
  progress.finish();
  printLine(context.stderr, message(context, 'agent.stopped'));
  return EXIT_OK;
}

/**
 * Runs one pass and returns exit code 0 only when no backup is left pending or failed and
 * no file was invalid or unreadable. The pass summary already listed the invalid and
 * unreadable files.
 */
async function runOnce(context: CliContext, sync: CloudBackupSync, progress: AgentProgress): Promise<number> {
  await sync.syncNow();
  const state = sync.getState();

  for (const entry of state.pendingBackups) {
    const error = entry.lastError ?? message(context, 'agent.noError');
    const params = { file: entry.filePath, attempts: countMessage(context, 'attempts', entry.retries), error };
    printLine(context.stderr, message(context, 'agent.pendingFile', params));
  }
  for (const entry of state.failedBackups) {
    const params = { file: entry.filePath, attempts: countMessage(context, 'attempts', entry.retries), error: withoutFinalPeriod(entry.error) };
    printLine(context.stderr, message(context, 'agent.failedFile', params));
  }

  const summary = progress.lastSummary;
  const problemFiles = summary === undefined ? 0 : summary.invalid.length + summary.unreadable.length;
  const clean = state.pendingBackups.length === 0 && state.failedBackups.length === 0 && problemFiles === 0;
  return clean ? EXIT_OK : EXIT_FAILURE;
}

/**
 * Starts a pass a few seconds after a `.zip` appears or changes in the
 * folder (CloudBackupSync's triggerAfterBackup groups bursts of events), so
 * a new backup does not wait for the next 15-minute pass. The state file's
 * own writes are ignored.
 */
function watchForBackups(backupsDir: string, sync: CloudBackupSync): FSWatcher {
  return watch(backupsDir, (_event, fileName) => {
    if (fileName !== null && fileName.toLowerCase().endsWith('.zip')) sync.triggerAfterBackup();
  });
}

async function requireFolder(context: CliContext, value: string): Promise<string> {
  const folder = resolve(value);
  const isFolder = await stat(folder).then(
    (stats) => stats.isDirectory(),
    () => false,
  );
  if (!isFolder) throw new UsageError(message(context, 'usage.dirNotFound', { value }));
  return folder;
}

/**
 * Creates the agent's pino logger on standard error, so that standard output
 * keeps only the command's own lines. LOG_LEVEL sets the level. The default is
 * "error" because the command already prints each retry and failure as a
 * translated line; LOG_LEVEL=warn adds their structured details.
 */
function createLogger(context: CliContext): Logger {
  const level = context.env.LOG_LEVEL ?? 'error';
  return pino({ name: 'backup-sync-agent', level }, pino.destination(2));
}

/** Turns the agent's progress events into progress bars and one line per outcome, on standard error. */
class AgentProgress {
  readonly #context: CliContext;
  #current: { key: string; reporter: ProgressReporter } | undefined;
  /** Summary of the last pass that finished. */
  lastSummary: SyncPassSummary | undefined;

  constructor(context: CliContext) {
    this.#context = context;
  }

  handle(event: CloudSyncProgressEvent): void {
    const context = this.#context;
    switch (event.type) {
      case 'hashing':
      case 'uploading': {
        const labelKey = event.type === 'hashing' ? 'progress.hash' : 'progress.upload';
        const label = `${message(context, labelKey)} ${basename(event.filePath)}`;
        this.#reporter(`${event.type}:${event.filePath}`, label).update(event.bytesDone, event.bytesTotal);
        return;
      }
      case 'uploaded': {
        this.finish();
        const key = event.alreadyInCloud ? 'agent.alreadyInCloud' : 'agent.uploaded';
        printLine(context.stderr, message(context, key, { file: basename(event.filePath), backupId: event.backupId }));
        return;
      }
      case 'retry-scheduled':
        this.finish();
        printLine(
          context.stderr,
          message(context, 'agent.retryScheduled', {
            file: basename(event.filePath),
            retries: event.retries,
            at: event.nextAttemptAt,
            error: event.error,
          }),
        );
        return;
      case 'failed': {
        this.finish();
        const params = { file: basename(event.filePath), error: withoutFinalPeriod(event.error) };
        printLine(context.stderr, message(context, 'agent.fileFailed', params));
        return;
      }
      case 'pass-finished':
        this.finish();
        this.lastSummary = event.summary;
        this.#printSummary(event.summary);
        return;
      case 'pass-started':
        return;
    }
  }

  /**
   * Prints the pass's counts, then one line per invalid or unreadable file. Files skipped
   * because their SHA-256 is in `uploadedBackups` count as already in the cloud too, and
   * `failed` counts every failed backup in the state, not only those of this pass.
   */
  #printSummary(summary: SyncPassSummary): void {
    const context = this.#context;
    const counts = [
      countMessage(context, 'backupsFound', summary.scanned),
      countMessage(context, 'uploaded', summary.uploaded),
      countMessage(context, 'alreadyInCloud', summary.alreadyInCloud + summary.alreadyUploaded),
      countMessage(context, 'pending', summary.pending),
      countMessage(context, 'failed', summary.failedTotal),
    ];
    if (summary.invalid.length > 0) counts.push(countMessage(context, 'invalid', summary.invalid.length));
    if (summary.unreadable.length > 0) counts.push(countMessage(context, 'unreadable', summary.unreadable.length));
    printLine(context.stderr, message(context, 'agent.passDone', { counts: counts.join(', ') }));

    const minutes = Math.round(DEFAULT_CORRUPT_AFTER_MS / 60_000);
    for (const file of summary.invalid) {
      printLine(context.stderr, message(context, 'agent.invalidFile', { file: file.filePath, minutes }));
    }
    for (const file of summary.unreadable) {
      printLine(context.stderr, message(context, 'agent.unreadableFile', { file: file.filePath, error: file.error }));
    }
  }

  finish(): void {
    this.#current?.reporter.finish();
    this.#current = undefined;
  }

  #reporter(key: string, label: string): ProgressReporter {
    if (this.#current?.key !== key) {
      this.finish();
      this.#current = { key, reporter: createProgress(this.#context.stderr, label) };
    }
    return this.#current.reporter;
  }
}

/** Drops an error's closing period, because the messages that embed it add their own. */
function withoutFinalPeriod(error: string): string {
  return error.endsWith('.') ? error.slice(0, -1) : error;
}
