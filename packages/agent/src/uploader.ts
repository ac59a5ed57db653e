import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { errorBodySchema } from '@cloud-backup-sync/protocol';
import type { ByteProgress } from './file-hasher.ts';

/** Bytes read per chunk; an upload keeps about two chunks in memory whatever the file size. */
export const UPLOAD_CHUNK_BYTES = 1024 * 1024;

/** Default time without any byte sent or received before an upload is abandoned. */
export const DEFAULT_UPLOAD_IDLE_TIMEOUT_MS = 120_000;

/** Largest error body read from storage; S3 XML and our JSON errors are far smaller. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;

/**
 * Cause of a failed PUT to a presigned URL, in the terms the retry policy decides on.
 * - `url-rejected`: 403, the URL expired or its signature does not match; request a new URL.
 * - `content-rejected`: 400 or 422, storage rejected the bytes (size or checksum); hash the file again.
 * - `too-large`: 413, storage will never accept an object this large.
 * - `rejected`: any other 4xx, which the same request will keep getting.
 * - `server`: 408, 429 or 5xx; retry later.
 * - `network`: no HTTP answer (connection refused or reset, DNS failure); retry later.
 * - `timeout`: no progress for the idle timeout; retry later.
 * - `content-changed`: storage accepted bytes whose SHA-256 differs from the expected one,
 *   because the file changed while it was read; hash the file again.
 * - `aborted`: the caller's AbortSignal fired.
 */
export type UploadFailureKind =
  | 'url-rejected'
  | 'content-rejected'
  | 'too-large'
  | 'rejected'
  | 'server'
  | 'network'
  | 'timeout'
  | 'content-changed'
  | 'aborted';

export class UploadError extends Error {
  readonly kind: UploadFailureKind;
  /** HTTP status of the storage response, 0 when none arrived. */
  readonly status: number;
  /** Error code from the storage response body (`URL_EXPIRED`, S3's `AccessDenied`, …), when it had one. */
  readonly code: string | undefined;

  constructor(kind: UploadFailureKind, status: number, code: string | undefined, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UploadError';
    this.kind = kind;
    this.status = status;
    this.code = code;
  }
}

export interface UploadFileOptions {
  /** Presigned PUT URL (http or https). */
  url: string;
  filePath: string;
  /** Bytes to send, sent as Content-Length. Exactly this many bytes are read from the start of the file. */
  sizeBytes: number;
  /** Extra request headers, such as a signed `x-amz-checksum-sha256` or `content-type`. */
  headers?: Record<string, string>;
  onProgress?: (progress: ByteProgress) => void;
  signal?: AbortSignal;
  /** Milliseconds without progress before the upload fails with kind `timeout`. */
  idleTimeoutMs?: number;
}

export interface UploadResult {
  status: number;
  /** SHA-256 of the bytes actually sent; compare it with the expected hash before confirming. */
  sha256: string;
  sizeBytes: number;
}

/**
 * Streams a file to a presigned URL with one PUT and an explicit Content-Length.
 * Nothing is buffered beyond a chunk or two, so memory stays flat for multi-GiB files.
 * The bytes sent are hashed on the way out, so a file that changes during the upload
 * is detected even when storage does not verify checksums. Throws `UploadError`.
 */
export async function uploadFile(options: UploadFileOptions): Promise<UploadResult> {
  const url = parseUploadUrl(options.url);
  const transport = url.protocol === 'https:' ? https : http;
  const idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_UPLOAD_IDLE_TIMEOUT_MS;
  const hash = createHash('sha256');
  let bytesDone = 0;

  const source = createReadStream(options.filePath, {
    start: 0,
    end: options.sizeBytes - 1,
    highWaterMark: UPLOAD_CHUNK_BYTES,
  });
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytesDone += chunk.length;
      hash.update(chunk);
      options.onProgress?.({ bytesDone, bytesTotal: options.sizeBytes });
      callback(null, chunk);
    },
    flush(callback) {
      // A file truncated since it was hashed ends early. Sending fewer bytes than Content-Length
      // would leave the server waiting, so fail here and let the pipeline destroy the request.
      if (bytesDone === options.sizeBytes) callback();
      else callback(new ShortReadError(options.filePath, bytesDone, options.sizeBytes));
    },
  });

  const request = transport.request(url, {
    method: 'PUT',
    headers: { ...options.headers, 'content-length': String(options.sizeBytes) },
    signal: options.signal,
  });
  request.setTimeout(idleTimeoutMs, () => {
    request.destroy(new UploadError('timeout', 0, undefined, `no progress for ${idleTimeoutMs} ms`));
  });

  // Storage may respond (403, 413) before the body is sent and then close the connection,
  // which fails the pipeline. The response is what matters, so wait for it (or the
  // request's error) independently of the pipeline's outcome.
  const outcome = new Promise<{ response: IncomingMessage } | { error: Error }>((resolve) => {
    request.once('response', (response) => resolve({ response }));
    // `on`, not `once`: a later socket error with no listener would crash the process.
    request.on('error', (error) => resolve({ error }));
  });

  let sendError: Error | undefined;
  try {
    await pipeline(source, meter, request);
  } catch (error) {
    sendError = error instanceof Error ? error : new Error(String(error));
  }

  if (sendError instanceof ShortReadError || isFileError(sendError)) {
    request.destroy();
    throw sendError;
  }

  const settled = await outcome;
  if ('error' in settled) throw toUploadError(sendError ?? settled.error, options.signal);

  const { response } = settled;
  const status = response.statusCode ?? 0;
  let body: string;
  try {
    body = await readLimited(response, MAX_ERROR_BODY_BYTES);
  } catch (error) {
    throw toUploadError(error instanceof Error ? error : new Error(String(error)), options.signal);
  }

  if (status >= 200 && status < 300) {
    if (sendError !== undefined) throw toUploadError(sendError, options.signal);
    return { status, sha256: hash.digest('hex'), sizeBytes: bytesDone };
  }

  const { code, detail } = parseErrorBody(body);
  const suffix = detail === undefined ? '' : `: ${detail}`;
  throw new UploadError(kindForStatus(status), status, code, `PUT ${url.host}${url.pathname}: HTTP ${status}${code === undefined ? '' : ` ${code}`}${suffix}`);
}

/** The file shrank between hashing and upload. */
export class ShortReadError extends Error {
  constructor(filePath: string, bytesRead: number, bytesExpected: number) {
    super(`${filePath} ended after ${bytesRead} of ${bytesExpected} bytes; it changed since it was hashed`);
    this.name = 'ShortReadError';
  }
}

function parseUploadUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch (cause) {
    throw new UploadError('rejected', 0, undefined, 'the presigned upload URL is not a valid URL', { cause });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UploadError('rejected', 0, undefined, `the presigned upload URL uses ${url.protocol}; only http and https are supported`);
  }
  return url;
}

function kindForStatus(status: number): UploadFailureKind {
  if (status === 403) return 'url-rejected';
  if (status === 400 || status === 422) return 'content-rejected';
  if (status === 413) return 'too-large';
  if (status === 408 || status === 429 || status >= 500) return 'server';
  return 'rejected';
}

function toUploadError(error: Error, signal: AbortSignal | undefined): UploadError {
  if (error instanceof UploadError) return error;
  if (signal?.aborted === true || error.name === 'AbortError') {
    return new UploadError('aborted', 0, undefined, 'the upload was cancelled', { cause: error });
  }
  return new UploadError('network', 0, undefined, error.message, { cause: error });
}

/** Errors of the local file (vanished, unreadable) are not upload failures and keep their `code`. */
function isFileError(error: Error | undefined): error is NodeJS.ErrnoException {
  if (error === undefined || !('code' in error)) return false;
  const code = error.code;
  return code === 'ENOENT' || code === 'EACCES' || code === 'EPERM' || code === 'EISDIR' || code === 'EBUSY';
}

/**
 * Extracts the code and message of our JSON `{ error: { code, message } }` or S3's XML
 * `<Error><Code>…</Code><Message>…</Message>`. Only those two fields are kept, because
 * S3's SignatureDoesNotMatch body also echoes the request's signature.
 */
function parseErrorBody(body: string): { code: string | undefined; detail: string | undefined } {
  const xmlCode = /<Code>([^<]{1,100})<\/Code>/.exec(body)?.[1];
  if (xmlCode !== undefined) return { code: xmlCode, detail: /<Message>([^<]{1,300})<\/Message>/.exec(body)?.[1] };

  const parsed = errorBodySchema.safeParse(parseJson(body));
  if (parsed.success) return { code: parsed.data.error.code, detail: parsed.data.error.message };
  return { code: undefined, detail: undefined };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // Not JSON (an HTML page from a proxy): the caller reports the HTTP status alone.
    return undefined;
  }
}

async function readLimited(response: IncomingMessage, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of response) {
    const buffer = chunk as Buffer;
    if (length < maxBytes) chunks.push(buffer.subarray(0, maxBytes - length));
    length += buffer.length;
  }
  return Buffer.concat(chunks).toString('utf8');
}
