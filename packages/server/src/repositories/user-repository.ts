import type { Database } from '../db/database.ts';
import type { UsersTable } from '../db/schema.ts';

export type UserRow = UsersTable;

export class UserRepository {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  async findByEmail(email: string): Promise<UserRow | undefined> {
    return this.#db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
  }

  /** Inserts the user unless the email exists, then returns the stored row. */
  async insertOrGet(user: UserRow): Promise<UserRow> {
    await this.#db
      .insertInto('users')
      .values(user)
      .onConflict((conflict) => conflict.column('email').doNothing())
      .execute();

    const stored = await this.findByEmail(user.email);
    if (stored === undefined) throw new Error(`User ${user.email} vanished right after insertion`);
    return stored;
  }
}
