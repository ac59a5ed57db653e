import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { AppError } from '../../http/app-error.ts';

/** Operation that a filesystem storage URL authorizes: one method on one object, with the fields it is bound to. */
export type SignedOperation =
  | { method: 'PUT'; objectKey: string; sizeBytes: number; sha256: string; expiresAt: number }
  | { method: 'GET'; objectKey: string; fileName: string; expiresAt: number };

const SECRET_BYTES = 32;

/**
 * Signs and verifies the filesystem driver's URLs with HMAC-SHA256. The
 * secret is generated once into a file readable only by its owner, so URLs
 * stay valid across restarts and across servers that share the data folder.
 */
export class UrlSigner {
  readonly #secretFile: string;
  #secret: Buffer | undefined;

  constructor(secretFile: string) {
    this.#secretFile = secretFile;
  }

  /** Loads the secret, creating it first when the file does not exist yet. */
  async load(): Promise<void> {
    try {
      await writeFile(this.#secretFile, randomBytes(SECRET_BYTES).toString('hex'), { flag: 'wx', mode: 0o600 });
    } catch (error) {
      // EEXIST: another start (or another server on the same folder) created it first.
      if (!(error instanceof Error && 'code' in error && error.code === 'EEXIST')) throw error;
    }
    this.#secret = Buffer.from((await readFile(this.#secretFile, 'utf8')).trim(), 'hex');
  }

  /** Returns the query string (without "?") that authorizes `operation`. */
  sign(operation: SignedOperation): string {
    const params = new URLSearchParams();
    if (operation.method === 'PUT') {
      params.set('size', String(operation.sizeBytes));
      params.set('sha256', operation.sha256);
    } else {
      params.set('name', operation.fileName);
    }
    params.set('expires', String(operation.expiresAt));
    params.set('sig', this.#signature(operation));
    return params.toString();
  }

  /**
   * Checks the query of a request for `method` on `objectKey` and returns the
   * operation it authorizes. Raises INVALID_SIGNATURE for anything unsigned
   * or altered, and URL_EXPIRED for a valid URL past its expiry.
   */
  verify(method: 'PUT' | 'GET', objectKey: string, query: URLSearchParams, nowSeconds: number): SignedOperation {
    const operation = parseOperation(method, objectKey, query);
    const signature = query.get('sig') ?? '';
    if (operation === undefined || !this.#matches(operation, signature)) throw new AppError('INVALID_SIGNATURE');

    if (operation.expiresAt < nowSeconds) throw new AppError('URL_EXPIRED');
    return operation;
  }

  #matches(operation: SignedOperation, signature: string): boolean {
    const expected = Buffer.from(this.#signature(operation), 'hex');
    const actual = Buffer.from(signature, 'hex');
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  }

  #signature(operation: SignedOperation): string {
    if (this.#secret === undefined) throw new Error('UrlSigner.load() must run before signing');

    // JSON of a fixed-order array keeps field boundaries unambiguous.
    const canonical =
      operation.method === 'PUT'
        ? JSON.stringify(['PUT', operation.objectKey, operation.sizeBytes, operation.sha256, operation.expiresAt])
        : JSON.stringify(['GET', operation.objectKey, operation.fileName, operation.expiresAt]);
    return createHmac('sha256', this.#secret).update(canonical).digest('hex');
  }
}

function parseOperation(method: 'PUT' | 'GET', objectKey: string, query: URLSearchParams): SignedOperation | undefined {
  const expiresAt = parseWholeNumber(query.get('expires'));
  if (expiresAt === undefined) return undefined;

  if (method === 'GET') {
    const fileName = query.get('name');
    return fileName === null ? undefined : { method, objectKey, fileName, expiresAt };
  }

  const sizeBytes = parseWholeNumber(query.get('size'));
  const sha256 = query.get('sha256');
  if (sizeBytes === undefined || sha256 === null || !/^[0-9a-f]{64}$/.test(sha256)) return undefined;
  return { method, objectKey, sizeBytes, sha256, expiresAt };
}

function parseWholeNumber(value: string | null): number | undefined {
  if (value === null || !/^\d{1,16}$/.test(value)) return undefined;
  const number = Number(value);
  return Number.isSafeInteger(number) ? number : undefined;
}
