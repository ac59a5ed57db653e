import { randomUUID } from 'node:crypto';
import type { Store } from '@cloud-backup-sync/protocol';
import { nowTimestamp } from '../db/timestamps.ts';
import { AppError } from '../http/app-error.ts';
import type { StoreRepository, StoreRow } from '../repositories/store-repository.ts';

function toStore(row: StoreRow): Store {
  return { id: row.id, name: row.name, createdAt: row.created_at };
}

export class StoreService {
  readonly #stores: StoreRepository;

  constructor(stores: StoreRepository) {
    this.#stores = stores;
  }

  /** Creates a store with the given id, or a random one; raises STORE_EXISTS for a taken id. */
  async createStore(request: { id?: string | undefined; name: string }): Promise<Store> {
    const row: StoreRow = { id: request.id ?? randomUUID(), name: request.name, created_at: nowTimestamp() };
    const inserted = await this.#stores.insert(row);
    if (!inserted) throw new AppError('STORE_EXISTS', { storeId: row.id });
    return toStore(row);
  }

  async listStores(): Promise<Store[]> {
    const rows = await this.#stores.list();
    return rows.map(toStore);
  }
}
