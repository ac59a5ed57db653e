import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { nowTimestamp } from '../db/timestamps.ts';
import type { UserRole } from '../db/schema.ts';
import { AppError } from '../http/app-error.ts';
import type { FailureLimiter } from '../http/failure-limiter.ts';
import type { DeviceRepository } from '../repositories/device-repository.ts';
import type { TokenRepository } from '../repositories/token-repository.ts';

/** A user's role, or DEVICE for a store-scoped device token. */
export type PrincipalRole = UserRole | 'DEVICE';

/**
 * The authenticated caller. For a DEVICE, `tokenId` is the device id,
 * `storeId` its store, and `userId` the SUPERADMIN who created the device.
 * SUPERADMIN tokens have no `storeId`.
 */
export interface Principal {
  userId: string;
  tokenId: string;
  role: PrincipalRole;
  storeId?: string;
}

const TOKEN_BYTES = 32;

/** Tokens are stored only as their SHA-256, so a database leak reveals no usable token. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export class AuthService {
  readonly #tokens: TokenRepository;
  readonly #devices: DeviceRepository | undefined;
  readonly #failures: FailureLimiter | undefined;

  /**
   * Without `devices`, only user tokens authenticate (as in the admin
   * commands, which need no devices). Without `failures`, failed attempts are
   * not limited.
   */
  constructor(tokens: TokenRepository, devices?: DeviceRepository, failures?: FailureLimiter) {
    this.#tokens = tokens;
    this.#devices = devices;
    this.#failures = failures;
  }

  /**
   * Resolves an `Authorization` header to its principal, or raises
   * UNAUTHENTICATED / INVALID_TOKEN. A failure is counted against the source
   * address and the presented token, and once either is over the limit the
   * failure becomes TOO_MANY_ATTEMPTS. A valid token is never limited, so one
   * misconfigured desktop cannot lock out others behind the same address.
   */
  async authenticate(authorization: string | undefined, sourceAddress = 'unknown'): Promise<Principal> {
    try {
      return await this.#resolve(authorization);
    } catch (error) {
      if (!(error instanceof AppError) || this.#failures === undefined) throw error;

      const keys = [`address:${sourceAddress}`];
      const presented = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
      if (presented !== undefined) keys.push(`token:${hashToken(presented)}`);
      const retryAfter = this.#failures.recordFailure(keys);
      if (retryAfter !== undefined) throw new AppError('TOO_MANY_ATTEMPTS', { retryAfter }, { cause: error });
      throw error;
    }
  }

  async #resolve(authorization: string | undefined): Promise<Principal> {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (authorization === undefined || authorization.trim() === '') throw new AppError('UNAUTHENTICATED');
    if (match === null || match[1] === undefined) throw new AppError('INVALID_TOKEN');

    // Lookup by hash: the database compares digests, never the token itself.
    const tokenHash = hashToken(match[1]);
    const owner = await this.#tokens.findOwnerByHash(tokenHash);
    if (owner !== undefined) {
      if (owner.revokedAt !== null) throw new AppError('INVALID_TOKEN');
      await this.#tokens.touch(owner.tokenId, nowTimestamp());
      return { userId: owner.userId, tokenId: owner.tokenId, role: owner.role };
    }

    const device = await this.#devices?.findByHash(tokenHash);
    if (device === undefined || device.revoked_at !== null) throw new AppError('INVALID_TOKEN');
    await this.#devices?.touch(device.id, nowTimestamp());
    return { userId: device.created_by_id, tokenId: device.id, role: 'DEVICE', storeId: device.store_id };
  }

  /** Creates a token for `userId` and returns it; this is the only time the plain token exists. */
  async issueToken(userId: string): Promise<string> {
    const token = generateToken();
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

/** Returns a new random bearer token (256 bits, base64url). */
export function generateToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

/** Raises FORBIDDEN unless the principal has one of `roles`. */
export function requireRole(principal: Principal, roles: readonly PrincipalRole[]): void {
  if (!roles.includes(principal.role)) throw new AppError('FORBIDDEN', { role: roles.join(', ') });
}

/** Raises STORE_FORBIDDEN when a store-scoped principal acts on another store; SUPERADMIN may act on any. */
export function requireStoreAccess(principal: Principal, storeId: string): void {
  if (principal.storeId !== undefined && principal.storeId !== storeId) {
    throw new AppError('STORE_FORBIDDEN', { storeId, allowed: principal.storeId });
  }
}
