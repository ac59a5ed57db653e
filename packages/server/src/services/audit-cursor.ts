import type { AuditPosition } from '../repositories/audit-repository.ts';

/** A stored timestamp: fixed-width ISO-8601 UTC with milliseconds (see `timestamps.ts`). */
const TIMESTAMP_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const EVENT_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Encodes the position of a page's last event as the opaque `nextCursor`:
 * base64url of `<at> <id>`. Clients only pass it back, so the format may change.
 */
export function encodeAuditCursor(position: AuditPosition): string {
  return Buffer.from(`${position.at} ${position.id}`, 'utf8').toString('base64url');
}

/**
 * Decodes a `before` value, or returns undefined when it is not a cursor this
 * server issued. Node's base64url decoder skips characters it does not know,
 * so the value must also re-encode to itself.
 */
export function decodeAuditCursor(cursor: string): AuditPosition | undefined {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const at = text.slice(0, 24);
  const id = text.slice(25);
  if (!TIMESTAMP_PATTERN.test(at) || text[24] !== ' ' || !EVENT_ID_PATTERN.test(id)) return undefined;
  if (encodeAuditCursor({ at, id }) !== cursor) return undefined;
  return { at, id };
}
