import { ApiClient } from '@cloud-backup-sync/agent';
import type { Device } from '@cloud-backup-sync/protocol';
import { EXIT_OK, message, printLine, type CliContext } from '../cli-context.ts';
import { apiFlags, optionalId, parseFlags, requireApiUrl, requireDeviceName, requireId, requireToken, UsageError } from '../flags.ts';

/** `backup-sync devices create | list | revoke`: device tokens, managed with a super-administrator token. */
export async function runDevices(context: CliContext, args: string[]): Promise<number> {
  const [subcommand, ...rest] = args;
  if (subcommand === 'create') return createDevice(context, rest);
  if (subcommand === 'list') return listDevices(context, rest);
  if (subcommand === 'revoke') return revokeDevice(context, rest);
  throw new UsageError(message(context, 'usage.unknownSubcommand', { command: subcommand ?? '', parent: 'devices' }));
}

async function createDevice(context: CliContext, args: string[]): Promise<number> {
  const values = parseFlags(context, 'devices', args, {
    ...apiFlags,
    store: { type: 'string' },
    name: { type: 'string' },
    json: { type: 'boolean' },
  });
  const apiUrl = requireApiUrl(context, values);
  const token = requireToken(context, values);
  const storeId = requireId(context, values, 'store');
  const name = requireDeviceName(context, values);

  const client = new ApiClient({ apiUrl, token, locale: context.locale });
  const created = await client.createDevice(storeId, name);

  if (values.json) {
    printLine(context.stdout, JSON.stringify({ id: created.device.id, token: created.token }));
    return EXIT_OK;
  }
  const params = { id: created.device.id, name: created.device.name, storeId: created.device.storeId };
  printLine(context.stderr, message(context, 'devices.created', params));
  printLine(context.stdout, created.token);
  return EXIT_OK;
}

async function listDevices(context: CliContext, args: string[]): Promise<number> {
  const values = parseFlags(context, 'devices', args, { ...apiFlags, store: { type: 'string' }, json: { type: 'boolean' } });
  const apiUrl = requireApiUrl(context, values);
  const token = requireToken(context, values);
  const storeId = optionalId(context, values, 'store');

  const client = new ApiClient({ apiUrl, token, locale: context.locale });
  const devices = await client.listDevices(storeId);

  if (values.json) {
    printLine(context.stdout, JSON.stringify({ devices }));
    return EXIT_OK;
  }
  if (devices.length === 0) printLine(context.stdout, message(context, 'devices.none'));
  for (const device of devices) printLine(context.stdout, describeDevice(context, device));
  return EXIT_OK;
}

async function revokeDevice(context: CliContext, args: string[]): Promise<number> {
  const values = parseFlags(context, 'devices', args, { ...apiFlags, id: { type: 'string' }, json: { type: 'boolean' } });
  const apiUrl = requireApiUrl(context, values);
  const token = requireToken(context, values);
  const deviceId = requireId(context, values, 'id');

  const client = new ApiClient({ apiUrl, token, locale: context.locale });
  const device = await client.revokeDevice(deviceId);

  if (values.json) printLine(context.stdout, JSON.stringify({ device }));
  else printLine(context.stdout, message(context, 'devices.revoked', { id: device.id, revokedAt: device.revokedAt ?? '' }));
  return EXIT_OK;
}

/** One tab-separated line: id, store, name, created, last used, revoked or active, last reported counts. */
function describeDevice(context: CliContext, device: Device): string {
  const never = message(context, 'devices.never');
  const state = device.revokedAt === null ? message(context, 'devices.active') : message(context, 'devices.revokedAt', { at: device.revokedAt });
  const status =
    device.status === null
      ? message(context, 'devices.noStatus')
      : message(context, 'devices.status', {
          pending: device.status.pending,
          uploaded: device.status.uploaded,
          failed: device.status.failed,
          lastSyncAt: device.status.lastSyncAt ?? never,
        });
  return [device.id, device.storeId, device.name, device.createdAt, device.lastUsedAt ?? never, state, status].join('\t');
}
