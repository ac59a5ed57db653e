import { parseArgs } from 'node:util';
import { deviceNameSchema, idSchema, storeNameSchema } from '@cloud-backup-sync/protocol';
import { message, type CliContext } from './cli-context.ts';
import type { CliMessageKey } from './messages.ts';

/** A command line the user has to fix; printed as one line, exit code 2. */
export class UsageError extends Error {
  constructor(text: string) {
    super(text);
    this.name = 'UsageError';
  }
}

export interface FlagSpec {
  type: 'string' | 'boolean';
  /** Environment variable read when the flag is absent. */
  env?: string;
}

export type FlagValues = Record<string, string | boolean | undefined>;

/**
 * Parses `args` against `spec`. parseArgs runs in non-strict mode with tokens
 * so that every mistake (unknown flag, missing value, a value on a boolean
 * flag, a repeated flag, a stray argument) gets a translated one-line reason
 * naming the flag, instead of parseArgs' English message.
 */
export function parseFlags(
  context: CliContext,
  command: string,
  args: string[],
  spec: Record<string, FlagSpec>,
): FlagValues {
  const options = Object.fromEntries(Object.entries(spec).map(([name, flag]) => [name, { type: flag.type }]));
  const { tokens } = parseArgs({ args, options, strict: false, allowPositionals: true, tokens: true });

  const values: FlagValues = {};
  for (const token of tokens) {
    if (token.kind === 'positional') {
      throw new UsageError(message(context, 'usage.unexpectedArgument', { value: token.value, command }));
    }
    if (token.kind === 'option-terminator') continue;

    const flag = spec[token.name];
    if (!flag) throw new UsageError(message(context, 'usage.unknownFlag', { flag: token.rawName, command }));
    if (values[token.name] !== undefined) {
      throw new UsageError(message(context, 'usage.flagRepeated', { flag: `--${token.name}` }));
    }

    if (flag.type === 'boolean') {
      if (token.value !== undefined) {
        throw new UsageError(message(context, 'usage.flagTakesNoValue', { flag: `--${token.name}`, value: token.value }));
      }
      values[token.name] = true;
      continue;
    }

    // "--api --token x" makes parseArgs take "--token" as the value of --api.
    const takesNextFlag = !token.inlineValue && token.value?.startsWith('-') === true;
    if (token.value === undefined || takesNextFlag) {
      throw new UsageError(message(context, 'usage.missingValue', { flag: `--${token.name}` }));
    }
    values[token.name] = token.value;
  }

  for (const [name, flag] of Object.entries(spec)) {
    if (values[name] === undefined && flag.env !== undefined) {
      const fromEnv = context.env[flag.env];
      if (fromEnv !== undefined && fromEnv !== '') values[name] = fromEnv;
    }
  }
  return values;
}

/** True when `--help` or `-h` appears before any `--` terminator. */
export function wantsHelp(args: string[]): boolean {
  for (const arg of args) {
    if (arg === '--') return false;
    if (arg === '--help' || arg === '-h') return true;
  }
  return false;
}

const hintByFlag: Record<string, CliMessageKey> = {
  api: 'hint.api',
  token: 'hint.token',
  email: 'hint.email',
  name: 'hint.name',
  store: 'hint.store',
  dir: 'hint.dir',
  to: 'hint.to',
  id: 'hint.id',
};

export function requireString(context: CliContext, values: FlagValues, name: string): string {
  const value = values[name];
  if (typeof value === 'string') return value;
  const hintKey = hintByFlag[name];
  const hint = hintKey ? message(context, hintKey) : '';
  throw new UsageError(message(context, 'usage.missingFlag', { flag: `--${name}`, hint }));
}

/** Returns the --api value, checked to be an http(s) URL, without trailing slashes. */
export function requireApiUrl(context: CliContext, values: FlagValues): string {
  const value = requireString(context, values, 'api');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(message(context, 'usage.invalidUrl', { flag: '--api', value }));
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
    throw new UsageError(message(context, 'usage.invalidUrl', { flag: '--api', value }));
  }
  return value.replace(/\/+$/, '');
}

export function requireToken(context: CliContext, values: FlagValues): string {
  const value = requireString(context, values, 'token');
  if (value.trim() === '' || /\s/.test(value)) {
    throw new UsageError(message(context, 'usage.invalidToken', { flag: '--token' }));
  }
  return value;
}

export function checkId(context: CliContext, name: string, value: string): string {
  if (!idSchema.safeParse(value).success) {
    throw new UsageError(message(context, 'usage.invalidId', { flag: `--${name}`, value }));
  }
  return value;
}

export function requireId(context: CliContext, values: FlagValues, name: string): string {
  return checkId(context, name, requireString(context, values, name));
}

export function optionalId(context: CliContext, values: FlagValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? checkId(context, name, value) : undefined;
}

export function requireEmail(context: CliContext, values: FlagValues): string {
  const value = requireString(context, values, 'email');
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) {
    throw new UsageError(message(context, 'usage.invalidEmail', { value }));
  }
  return value;
}

export function requireStoreName(context: CliContext, values: FlagValues): string {
  const value = requireString(context, values, 'name');
  const parsed = storeNameSchema.safeParse(value);
  if (!parsed.success) throw new UsageError(message(context, 'usage.invalidStoreName', { value }));
  return parsed.data;
}

export function requireDeviceName(context: CliContext, values: FlagValues): string {
  const value = requireString(context, values, 'name');
  const parsed = deviceNameSchema.safeParse(value);
  if (!parsed.success) throw new UsageError(message(context, 'usage.invalidDeviceName', { value }));
  return parsed.data;
}

/** Flags shared by every command that talks to the API. */
export const apiFlags: Record<string, FlagSpec> = {
  api: { type: 'string', env: 'BACKUP_SYNC_API' },
  token: { type: 'string', env: 'BACKUP_SYNC_TOKEN' },
};
