import type { Database } from '../db/database.ts';
import type { ApiTokensTable, UserRole } from '../db/schema.ts';

export type ApiTokenRow = ApiTokensTable;

/** A token joined with its user, as authentication needs it. */
export interface TokenOwner {
  tokenId: string;
  userId: string;
  role: UserRole;
  revokedAt: string | null;
}

export class TokenRepository {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  async insert(token: ApiTokenRow): Promise<void> {
    await this.#db.insertInto('api_tokens').values(token).execute();
  }

  async findOwnerByHash(tokenHash: string): Promise<TokenOwner | undefined> {
    return this.#db
      .selectFrom('api_tokens')
      .innerJoin('users', 'users.id', 'api_tokens.user_id')
      .select(['api_tokens.id as tokenId', 'users.id as userId', 'users.role as role', 'api_tokens.revoked_at as revokedAt'])
      .where('api_tokens.token_hash', '=', tokenHash)
      .executeTakeFirst();
  }

  async touch(tokenId: string, usedAt: string): Promise<void> {
    await this.#db.updateTable('api_tokens').set({ last_used_at: usedAt }).where('id', '=', tokenId).execute();
  }
}
