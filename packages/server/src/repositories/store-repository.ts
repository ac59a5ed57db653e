import type { Database } from '../db/database.ts';
import type { StoresTable } from '../db/schema.ts';
import { isUniqueViolation } from '../db/sql-errors.ts';

export type StoreRow = StoresTable;

export class StoreRepository {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  /** Inserts a store; returns false when the id is already taken. */
  async insert(store: StoreRow): Promise<boolean> {
    try {
      await this.#db.insertInto('stores').values(store).execute();
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  async findById(id: string): Promise<StoreRow | undefined> {
    return this.#db.selectFrom('stores').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async list(): Promise<StoreRow[]> {
    return this.#db.selectFrom('stores').selectAll().orderBy('created_at', 'asc').orderBy('id', 'asc').execute();
  }
}
