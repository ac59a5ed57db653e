import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { nowTimestamp } from '../db/timestamps.ts';
import type { UserRole } from '../db/schema.ts';
import { AppError } from '../http/app-error.ts';
import type { TokenRepository } from '../repositories/token-repository.ts';

/**
 * The authenticated caller. `storeId` is set only for tokens scoped to one
 * store (the planned device tokens); SUPERADMIN tokens have none.
 */
export interface Principal {
  userId: string;
  tokenId: string;
  role: UserRole;
  storeId?: string;
}

const TOKEN_BYTES = 32;

/** Tokens are stored only as their SHA-256, so a database leak reveals no usable token. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export class AuthService {
  readonly #tokens: TokenRepository;

  constructor(tokens: TokenRepository) {
    this.#tokens = tokens;
  }

  /** Resolves an `Authorization` header to its principal, or raises UNAUTHENTICATED / INVALID_TOKEN. */
  async authenticate(authorization: string | undefined): Promise<Principal> {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (authorization === undefined || authorization.trim() === '') throw new AppError('UNAUTHENTICATED');
    if (match === null || match[1] === undefined) throw new AppError('INVALID_TOKEN');

    // Lookup by hash: the database compares digests, never the token itself.
    const owner = await this.#tokens.findOwnerByHash(hashToken(match[1]));
    if (owner === undefined || owner.revokedAt !== null) throw new AppError('INVALID_TOKEN');

    await this.#tokens.touch(owner.tokenId, nowTimestamp());
    return { userId: owner.userId, tokenId: owner.tokenId, role: owner.role };
  }

  /** Creates a token for `userId` and returns it; this is the only time the plain token exists. */
  async issueToken(userId: string): Promise<string> {
    const token = randomBytes(TOKEN_BYTES).toString('base64url');
    await this.#tokens.insert({
      id: randomUUID(),
      user_id: userId,
      token_hash: hashToken(token),
      created_at: nowTimestamp(),
      last_used_at: null,
      revoked_at: null,
    });
    return token;
  }
}

/** Raises FORBIDDEN unless the principal has one of `roles`. */
export function requireRole(principal: Principal, roles: readonly UserRole[]): void {
  if (!roles.includes(principal.role)) throw new AppError('FORBIDDEN', { role: roles.join(', ') });
}
