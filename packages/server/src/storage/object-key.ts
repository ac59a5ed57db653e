/**
 * Derives a backup's object key from its store, the request date (UTC) and
 * its SHA-256. The client's file name never enters the key, so it cannot
 * choose where bytes land.
 */
export function backupObjectKey(storeId: string, sha256: string, date: Date): string {
  const year = String(date.getUTCFullYear()).padStart(4, '0');
  const month = String(date.getUTCMonth() + 1).padStart(2, '0');
  const day = String(date.getUTCDate()).padStart(2, '0');
  return `stores/${storeId}/${year}/${month}/${day}/${sha256}.zip`;
}

const SEGMENT_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const MAX_OBJECT_KEY_LENGTH = 1024;

/**
 * True for keys made of `/`-separated segments of letters, digits, `.`, `_`
 * and `-`, where no segment is empty or starts with a dot. That excludes
 * absolute paths, `..`, backslashes and hidden temporary files.
 */
export function isSafeObjectKey(objectKey: string): boolean {
  if (objectKey.length === 0 || objectKey.length > MAX_OBJECT_KEY_LENGTH) return false;
  return objectKey.split('/').every((segment) => SEGMENT_PATTERN.test(segment));
}

/** Raises for a key that `isSafeObjectKey` rejects, before any storage is touched. */
export function assertSafeObjectKey(objectKey: string): void {
  if (!isSafeObjectKey(objectKey)) throw new Error(`Unsafe object key rejected: ${JSON.stringify(objectKey)}`);
}
