import type { Database } from '../db/database.ts';
import type { ApiTokensTable, UserRole } from '../db/schema.ts';
import { insertAuditEvents, type AuditEvent } from './audit-repository.ts';

export type ApiTokenRow = ApiTokensTable;

/** A token joined with its user, as authentication needs it. */
export interface TokenOwner {
  tokenId: string;
  userId: string;
  role: UserRole;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

export class TokenRepository {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  /** Inserts the token and its `token.created` audit event in one transaction. */
  async insert(token: ApiTokenRow, audit: AuditEvent): Promise<void> {
    await this.#db.transaction().execute(async (transaction) => {
      await transaction.insertInto('api_tokens').values(token).execute();
      await insertAuditEvents(transaction, [audit]);
    });
  }

  async findOwnerByHash(tokenHash: string): Promise<TokenOwner | undefined> {
    return this.#db
      .selectFrom('api_tokens')
      .innerJoin('users', 'users.id', 'api_tokens.user_id')
      .select(['api_tokens.id as tokenId', 'users.id as userId', 'users.role as role', 'api_tokens.revoked_at as revokedAt', 'api_tokens.last_used_at as lastUsedAt'])
      .where('api_tokens.token_hash', '=', tokenHash)
      .executeTakeFirst();
  }

  async touch(tokenId: string, usedAt: string): Promise<void> {
    await this.#db.updateTable('api_tokens').set({ last_used_at: usedAt }).where('id', '=', tokenId).execute();
  }

  /**
   * Sets `last_used_at` and writes the `auth.sign_in` event in one
   * transaction, but only while `last_used_at` is still null or before
   * `idleCutoff`. Of concurrent first uses, only the one whose update matches
   * records the event: PostgreSQL rechecks the condition after the row lock,
   * and SQLite runs one writer at a time.
   */
  async touchAsSignIn(tokenId: string, usedAt: string, idleCutoff: string, signIn: AuditEvent): Promise<void> {
    await this.#db.transaction().execute(async (transaction) => {
      const result = await transaction
        .updateTable('api_tokens')
        .set({ last_used_at: usedAt })
        .where('id', '=', tokenId)
        .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', idleCutoff)]))
        .executeTakeFirst();
      if (result.numUpdatedRows === 0n) return;

      await insertAuditEvents(transaction, [signIn]);
    });
  }
}
