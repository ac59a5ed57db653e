import { randomUUID } from 'node:crypto';
import type { CreateDeviceBody, Device, DeviceStatusBody } from '@cloud-backup-sync/protocol';
import type { Logger } from 'pino';
import { nowTimestamp } from '../db/timestamps.ts';
import { AppError } from '../http/app-error.ts';
import type { DeviceRepository, DeviceRow } from '../repositories/device-repository.ts';
import type { StoreRepository } from '../repositories/store-repository.ts';
import { generateToken, hashToken, type Principal } from './auth-service.ts';

export interface DeviceServiceDependencies {
  devices: DeviceRepository;
  stores: StoreRepository;
  logger: Logger;
}

/** Device tokens: one per POS desktop, scoped to one store, stored as a SHA-256 only. */
export class DeviceService {
  readonly #devices: DeviceRepository;
  readonly #stores: StoreRepository;
  readonly #logger: Logger;

  constructor(dependencies: DeviceServiceDependencies) {
    this.#devices = dependencies.devices;
    this.#stores = dependencies.stores;
    this.#logger = dependencies.logger;
  }

  /**
   * Creates a device for an existing store, audited as `device.created`, and
   * returns it with its token, which exists in plain form only here.
   */
  async createDevice(creator: Principal, request: CreateDeviceBody, sourceAddress: string | null): Promise<{ device: Device; token: string }> {
    const store = await this.#stores.findById(request.storeId);
    if (store === undefined) throw new AppError('STORE_NOT_FOUND', { storeId: request.storeId });

    const token = generateToken();
    const row: DeviceRow = {
      id: randomUUID(),
      store_id: store.id,
      name: request.name,
      token_hash: hashToken(token),
      created_by_id: creator.userId,
      created_at: nowTimestamp(),
      last_used_at: null,
      revoked_at: null,
      status_pending: null,
      status_uploaded: null,
      status_failed: null,
      status_last_sync_at: null,
      status_reported_at: null,
    };
    await this.#devices.insert(row, {
      at: row.created_at,
      action: 'device.created',
      actor: `user:${creator.userId}`,
      targetType: 'device',
      targetId: row.id,
      details: { storeId: row.store_id, name: row.name },
      sourceAddress,
    });
    this.#logger.info({ deviceId: row.id, storeId: row.store_id, createdById: creator.userId }, 'device token issued');
    return { device: toDevice(row), token };
  }

  async listDevices(storeId: string | undefined): Promise<Device[]> {
    const rows = await this.#devices.list(storeId);
    return rows.map(toDevice);
  }

  /**
   * Revokes a device's token, audited as `device.revoked`. Revoking a revoked
   * device succeeds and keeps the first revocation time and its one audit event.
   */
  async revokeDevice(revoker: Principal, deviceId: string, sourceAddress: string | null): Promise<Device> {
    const existing = await this.#devices.findById(deviceId);
    if (existing === undefined) throw new AppError('DEVICE_NOT_FOUND', { deviceId });

    if (existing.revoked_at === null) {
      const revokedAt = nowTimestamp();
      await this.#devices.revoke(deviceId, revokedAt, {
        at: revokedAt,
        action: 'device.revoked',
        actor: `user:${revoker.userId}`,
        targetType: 'device',
        targetId: deviceId,
        details: { storeId: existing.store_id, name: existing.name },
        sourceAddress,
      });
      this.#logger.info({ deviceId, storeId: existing.store_id, revokedById: revoker.userId }, 'device token revoked');
    }
    const revoked = await this.#devices.findById(deviceId);
    if (revoked === undefined) throw new Error(`Device ${deviceId} vanished right after revocation`);
    return toDevice(revoked);
  }

  /** Stores the calling device's status; the principal must be a DEVICE (the route's hook checks the role). */
  async reportStatus(principal: Principal, status: DeviceStatusBody): Promise<Device> {
    const deviceId = principal.tokenId;
    await this.#devices.updateStatus(deviceId, { ...status, reportedAt: nowTimestamp() });

    const updated = await this.#devices.findById(deviceId);
    if (updated === undefined) throw new AppError('DEVICE_NOT_FOUND', { deviceId });
    return toDevice(updated);
  }
}

function toDevice(row: DeviceRow): Device {
  return {
    id: row.id,
    storeId: row.store_id,
    name: row.name,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
    status: statusOf(row),
  };
}

function statusOf(row: DeviceRow): Device['status'] {
  if (row.status_reported_at === null) return null;
  return {
    pending: row.status_pending ?? 0,
    uploaded: row.status_uploaded ?? 0,
    failed: row.status_failed ?? 0,
    lastSyncAt: row.status_last_sync_at,
    reportedAt: row.status_reported_at,
  };
}
