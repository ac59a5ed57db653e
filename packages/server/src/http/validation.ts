import { errorCodeForField, type ErrorCode } from '@cloud-backup-sync/protocol';
import type { z } from 'zod';
import { AppError } from './app-error.ts';

const MAX_ECHOED_VALUE_LENGTH = 80;

/**
 * Parses a request part with a protocol schema. The first problem becomes a
 * 400 with the field's specific code (INVALID_SHA256, INVALID_SIZE, …), and
 * the message names the field, the value received and the rule it broke.
 * `fieldCodes` replaces the protocol's code for a field where the same name
 * means something else (`name` of a device is not a store name).
 */
export function parseRequest<T extends z.ZodType>(
  schema: T,
  input: unknown,
  part: 'body' | 'query' | 'params',
  fieldCodes: Readonly<Record<string, ErrorCode>> = {},
): z.infer<T> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;

  const issue = parsed.error.issues[0];
  const fieldPath = issue?.path ?? [];
  const field = fieldPath.length > 0 ? fieldPath.map(String).join('.') : `(${part})`;
  const value = describeValue(valueAt(input, fieldPath));
  const detail = issue?.message ?? 'invalid value';

  const topField = String(fieldPath[0] ?? '');
  const code = fieldCodes[topField] ?? errorCodeForField(topField);
  if (code !== 'INVALID_BODY') throw new AppError(code, { field, value, detail });
  throw new AppError(part === 'query' ? 'INVALID_QUERY' : 'INVALID_BODY', { field, value, detail });
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current = input;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = Reflect.get(current, key);
  }
  return current;
}

/** Renders the offending value for a message, shortened so that a huge field cannot flood logs or responses. */
function describeValue(value: unknown): string {
  let text: string;
  if (value === undefined) text = '(missing)';
  else if (typeof value === 'string') text = value;
  else text = JSON.stringify(value) ?? String(value);
  const printable = text.replace(/[\u0000-\u001f\u007f]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return printable.length > MAX_ECHOED_VALUE_LENGTH ? `${printable.slice(0, MAX_ECHOED_VALUE_LENGTH)}…` : printable;
}
