import { ApiClient } from '@cloud-backup-sync/agent';
import { EXIT_OK, message, printLine, type CliContext } from '../cli-context.ts';
import { apiFlags, optionalId, parseFlags, requireApiUrl, requireToken, UsageError } from '../flags.ts';
import { formatBytes } from '../progress.ts';

export async function runBackups(context: CliContext, args: string[]): Promise<number> {
  const [subcommand, ...rest] = args;
  if (subcommand !== 'list') {
    throw new UsageError(message(context, 'usage.unknownSubcommand', { command: subcommand ?? '', parent: 'backups' }));
  }

  const values = parseFlags(context, 'backups', rest, {
    ...apiFlags,
    store: { type: 'string' },
    json: { type: 'boolean' },
  });
  const apiUrl = requireApiUrl(context, values);
  const token = requireToken(context, values);
  const storeId = optionalId(context, values, 'store');

  const client = new ApiClient({ apiUrl, token, locale: context.locale });
  const listing = await client.listBackups(storeId);

  if (values.json) {
    printLine(context.stdout, JSON.stringify(listing));
    return EXIT_OK;
  }
  if (listing.backups.length === 0) printLine(context.stdout, message(context, 'backups.none'));
  for (const backup of listing.backups) {
    const columns = [
      backup.id,
      backup.status,
      backup.storeId,
      formatBytes(backup.sizeBytes),
      backup.uploadedAt ?? backup.createdAt,
      backup.fileName,
    ];
    printLine(context.stdout, columns.join('\t'));
  }
  return EXIT_OK;
}
