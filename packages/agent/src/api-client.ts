import {
  confirmUploadResponseSchema,
  createDeviceResponseSchema,
  createStoreResponseSchema,
  deviceResponseSchema,
  deleteBackupResponseSchema,
  errorBodySchema,
  healthResponseSchema,
  listBackupsResponseSchema,
  listDevicesResponseSchema,
  listStoresResponseSchema,
  requestDownloadResponseSchema,
  requestUploadResponseSchema,
  type ConfirmUploadResponse,
  type CreateDeviceResponse,
  type Device,
  type DeviceStatusBody,
  type HealthResponse,
  type ListBackupsResponse,
  type RequestDownloadResponse,
  type RequestUploadBody,
  type RequestUploadResponse,
  type Store,
  translate,
} from '@cloud-backup-sync/protocol';
import type { z } from 'zod';
import { agentMessages } from './agent-messages.ts';
import { describeNetworkCause } from './network-error.ts';

/**
 * An error response of the cloud API, or a failure to reach it. `code` is the
 * API's stable code, or `NETWORK_ERROR` / `BAD_RESPONSE` when no API response
 * could be read; `status` is 0 when no HTTP response arrived.
 */
export class ApiError extends Error {
  readonly code: string;
  readonly status: number;

  constructor(code: string, status: number, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
  }

  /** True when retrying the same request later can succeed. */
  get retryable(): boolean {
    return this.status === 0 || this.status === 408 || this.status === 429 || this.status >= 500;
  }
}

export interface ApiClientOptions {
  apiUrl: string;
  token: string;
  /** Sent as Accept-Language so that error messages come back in the user's language. */
  locale?: 'es' | 'en';
  /** Per-request timeout in milliseconds. */
  timeoutMs?: number;
}

/** Typed client of the cloud API; every response is checked against the protocol schemas. */
export class ApiClient {
  readonly apiUrl: string;
  readonly #token: string;
  readonly #locale: 'es' | 'en';
  readonly #timeoutMs: number;

  constructor(options: ApiClientOptions) {
    this.apiUrl = options.apiUrl.replace(/\/+$/, '');
    this.#token = options.token;
    this.#locale = options.locale ?? 'es';
    this.#timeoutMs = options.timeoutMs ?? 30_000;
  }

  health(): Promise<HealthResponse> {
    return this.#call('GET', '/api/health', undefined, healthResponseSchema);
  }

  listBackups(storeId?: string): Promise<ListBackupsResponse> {
    const query = storeId === undefined ? '' : `?storeId=${encodeURIComponent(storeId)}`;
    return this.#call('GET', `/api/cloud-backups${query}`, undefined, listBackupsResponseSchema);
  }

  requestUpload(body: RequestUploadBody): Promise<RequestUploadResponse> {
    return this.#call('POST', '/api/cloud-backups/request-upload', body, requestUploadResponseSchema);
  }

  confirmUpload(backupId: string, sha256: string): Promise<ConfirmUploadResponse> {
    return this.#call('POST', '/api/cloud-backups/confirm-upload', { backupId, sha256 }, confirmUploadResponseSchema);
  }

  requestDownload(backupId: string): Promise<RequestDownloadResponse> {
    return this.#call('POST', '/api/cloud-backups/request-download', { backupId }, requestDownloadResponseSchema);
  }

  async deleteBackup(backupId: string): Promise<string> {
    const path = `/api/cloud-backups/${encodeURIComponent(backupId)}`;
    const answer = await this.#call('DELETE', path, undefined, deleteBackupResponseSchema);
    return answer.message;
  }

  async createStore(name: string, id?: string): Promise<Store> {
    const body = id === undefined ? { name } : { id, name };
    const answer = await this.#call('POST', '/api/stores', body, createStoreResponseSchema);
    return answer.store;
  }

  async listStores(): Promise<Store[]> {
    const answer = await this.#call('GET', '/api/stores', undefined, listStoresResponseSchema);
    return answer.stores;
  }

  createDevice(storeId: string, name: string): Promise<CreateDeviceResponse> {
    return this.#call('POST', '/api/devices', { storeId, name }, createDeviceResponseSchema);
  }

  async listDevices(storeId?: string): Promise<Device[]> {
    const query = storeId === undefined ? '' : `?storeId=${encodeURIComponent(storeId)}`;
    const answer = await this.#call('GET', `/api/devices${query}`, undefined, listDevicesResponseSchema);
    return answer.devices;
  }

  async revokeDevice(deviceId: string): Promise<Device> {
    const answer = await this.#call('DELETE', `/api/devices/${encodeURIComponent(deviceId)}`, undefined, deviceResponseSchema);
    return answer.device;
  }

  /** Sends the agent's counts after a pass; only a device token may call this. */
  async reportDeviceStatus(status: DeviceStatusBody): Promise<Device> {
    const answer = await this.#call('POST', '/api/devices/status', status, deviceResponseSchema);
    return answer.device;
  }

  async #call<T extends z.ZodType>(method: string, path: string, body: unknown, schema: T): Promise<z.infer<T>> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.#token}`,
      'accept-language': this.#locale,
      accept: 'application/json',
    };
    if (body !== undefined) headers['content-type'] = 'application/json';

    let response: Response;
    try {
      response = await fetch(`${this.apiUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (cause) {
      throw this.#networkError(cause);
    }

    let text: string;
    try {
      text = await response.text();
    } catch (cause) {
      // The connection broke while the body arrived: fetch rejects with "terminated".
      throw this.#networkError(cause);
    }
    const json = parseJson(text);

    if (!response.ok) {
      const parsed = errorBodySchema.safeParse(json);
      if (parsed.success) throw new ApiError(parsed.data.error.code, response.status, parsed.data.error.message);
      throw new ApiError('BAD_RESPONSE', response.status, `${method} ${path}: HTTP ${response.status} ${text.slice(0, 200)}`);
    }

    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new ApiError('BAD_RESPONSE', response.status, `${method} ${path}: unexpected response ${text.slice(0, 200)}`);
    }
    return parsed.data;
  }

  #networkError(cause: unknown): ApiError {
    const message = translate(agentMessages, 'API_UNREACHABLE', this.#locale, { url: this.apiUrl, detail: describeNetworkCause(cause) });
    return new ApiError('NETWORK_ERROR', 0, message, { cause });
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // A non-JSON response (a proxy's HTML error page) is reported by the caller as BAD_RESPONSE.
    return undefined;
  }
}
