import { ApiClient } from '@cloud-backup-sync/agent';
import { EXIT_OK, message, printLine, type CliContext } from '../cli-context.ts';
import {
  apiFlags,
  optionalId,
  parseFlags,
  requireApiUrl,
  requireStoreName,
  requireToken,
  UsageError,
} from '../flags.ts';

export async function runStores(context: CliContext, args: string[]): Promise<number> {
  const [subcommand, ...rest] = args;
  if (subcommand === 'create') return createStore(context, rest);
  if (subcommand === 'list') return listStores(context, rest);
  throw new UsageError(message(context, 'usage.unknownSubcommand', { command: subcommand ?? '', parent: 'stores' }));
}

async function createStore(context: CliContext, args: string[]): Promise<number> {
  const values = parseFlags(context, 'stores', args, {
    ...apiFlags,
    name: { type: 'string' },
    id: { type: 'string' },
    json: { type: 'boolean' },
  });
  const apiUrl = requireApiUrl(context, values);
  const token = requireToken(context, values);
  const name = requireStoreName(context, values);
  const id = optionalId(context, values, 'id');

  const client = new ApiClient({ apiUrl, token, locale: context.locale });
  const store = await client.createStore(name, id);

  if (values.json) printLine(context.stdout, JSON.stringify(store));
  else printLine(context.stdout, message(context, 'stores.created', { id: store.id, name: store.name }));
  return EXIT_OK;
}

async function listStores(context: CliContext, args: string[]): Promise<number> {
  const values = parseFlags(context, 'stores', args, { ...apiFlags, json: { type: 'boolean' } });
  const apiUrl = requireApiUrl(context, values);
  const token = requireToken(context, values);

  const client = new ApiClient({ apiUrl, token, locale: context.locale });
  const stores = await client.listStores();

  if (values.json) {
    printLine(context.stdout, JSON.stringify({ stores }));
    return EXIT_OK;
  }
  if (stores.length === 0) printLine(context.stdout, message(context, 'stores.none'));
  for (const store of stores) printLine(context.stdout, `${store.id}\t${store.name}\t${store.createdAt}`);
  return EXIT_OK;
}
