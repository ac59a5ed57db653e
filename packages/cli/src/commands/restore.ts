import { ApiClient, restoreBackup, type RestoreProgress, type RestoreSource } from '@cloud-backup-sync/agent';
import { countMessage, EXIT_OK, message, printLine, type CliContext } from '../cli-context.ts';
import { apiFlags, optionalId, parseFlags, requireApiUrl, requireString, requireToken, UsageError } from '../flags.ts';
import { createProgress, formatBytes, type ProgressReporter } from '../progress.ts';

export async function runRestore(context: CliContext, args: string[]): Promise<number> {
  const values = parseFlags(context, 'restore', args, {
    ...apiFlags,
    backup: { type: 'string' },
    store: { type: 'string' },
    latest: { type: 'boolean' },
    to: { type: 'string' },
  });
  const apiUrl = requireApiUrl(context, values);
  const token = requireToken(context, values);
  const source = chooseSource(
    context,
    optionalId(context, values, 'backup'),
    optionalId(context, values, 'store'),
    values.latest === true,
  );
  const targetDir = requireString(context, values, 'to');

  const client = new ApiClient({ apiUrl, token, locale: context.locale });
  const progress = new PhaseProgress(context);
  try {
    const result = await restoreBackup({
      ...source,
      client,
      targetDir,
      locale: context.locale,
      signal: context.signal,
      onBackupChosen: (backup) => {
        const params = {
          backupId: backup.id,
          storeId: backup.storeId,
          fileName: backup.fileName,
          size: formatBytes(backup.sizeBytes),
          uploadedAt: backup.uploadedAt ?? backup.createdAt,
        };
        printLine(context.stderr, message(context, 'restore.chosen', params));
      },
      onProgress: (update) => progress.update(update),
    });
    progress.finish();

    const params = {
      backupId: result.backup.id,
      dir: result.targetDir,
      files: countMessage(context, 'files', result.fileCount),
      size: formatBytes(result.totalBytes),
    };
    printLine(context.stdout, message(context, 'restore.done', params));
    return EXIT_OK;
  } finally {
    progress.finish();
  }
}

function chooseSource(
  context: CliContext,
  backupId: string | undefined,
  storeId: string | undefined,
  latest: boolean,
): RestoreSource {
  if (backupId !== undefined && (storeId !== undefined || latest)) {
    throw new UsageError(message(context, 'usage.restoreSourceBoth'));
  }
  if (backupId !== undefined) return { backupId };
  if (storeId !== undefined && latest) return { storeId, latest: true };
  if (latest) throw new UsageError(message(context, 'usage.latestNeedsStore'));
  if (storeId !== undefined) throw new UsageError(message(context, 'usage.storeNeedsLatest'));
  throw new UsageError(message(context, 'usage.restoreSourceNone'));
}

/** One progress reporter per phase (download, then extraction), on standard error. */
class PhaseProgress {
  readonly #context: CliContext;
  #phase: RestoreProgress['phase'] | undefined;
  #reporter: ProgressReporter | undefined;

  constructor(context: CliContext) {
    this.#context = context;
  }

  update(update: RestoreProgress): void {
    if (update.phase !== this.#phase) {
      this.#reporter?.finish();
      this.#phase = update.phase;
      const label = message(this.#context, update.phase === 'download' ? 'progress.download' : 'progress.extract');
      this.#reporter = createProgress(this.#context.stderr, label);
    }
    this.#reporter?.update(update.bytes, update.totalBytes);
  }

  finish(): void {
    this.#reporter?.finish();
    this.#reporter = undefined;
  }
}
