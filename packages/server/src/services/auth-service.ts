import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { nowTimestamp, toTimestamp } from '../db/timestamps.ts';
import type { UserRole } from '../db/schema.ts';
import { AppError } from '../http/app-error.ts';
import type { FailureLimiter } from '../http/failure-limiter.ts';
import type { AuditEvent } from '../repositories/audit-repository.ts';
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

/**
 * Idle time after which the next successful use of a token is audited as
 * `auth.sign_in`, in milliseconds (one hour).
 *
 * NOTE: sign-ins follow the `last_used_at` rule, not fixed hour-long windows.
 * A use is a sign-in when the token's `last_used_at` was null or more than an
 * hour earlier. The rule costs no extra query on other requests, because the
 * token lookup already returns `last_used_at`. A token used at least once an
 * hour without a break therefore has one sign-in for the whole stretch.
 */
export const SIGN_IN_IDLE_MS = 60 * 60 * 1000;

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
   * A valid token's first use after `SIGN_IN_IDLE_MS` unused is audited as
   * `auth.sign_in` with `sourceAddress`.
   */
  async authenticate(authorization: string | undefined, sourceAddress = 'unknown'): Promise<Principal> {
    try {
      return await this.#resolve(authorization, sourceAddress);
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

  async #resolve(authorization: string | undefined, sourceAddress: string): Promise<Principal> {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (authorization === undefined || authorization.trim() === '') throw new AppError('UNAUTHENTICATED');
    if (match === null || match[1] === undefined) throw new AppError('INVALID_TOKEN');

    const now = new Date();
    const usedAt = toTimestamp(now);
    const idleCutoff = toTimestamp(new Date(now.getTime() - SIGN_IN_IDLE_MS));

    // Lookup by hash: the database compares digests, never the token itself.
    const tokenHash = hashToken(match[1]);
    const owner = await this.#tokens.findOwnerByHash(tokenHash);
    if (owner !== undefined) {
      if (owner.revokedAt !== null) throw new AppError('INVALID_TOKEN');
      const principal: Principal = { userId: owner.userId, tokenId: owner.tokenId, role: owner.role };
      if (isSignIn(owner.lastUsedAt, idleCutoff)) {
        await this.#tokens.touchAsSignIn(owner.tokenId, usedAt, idleCutoff, signInEvent(principal, 'token', usedAt, sourceAddress));
      } else {
        await this.#tokens.touch(owner.tokenId, usedAt);
      }
      return principal;
    }

    const device = await this.#devices?.findByHash(tokenHash);
    if (this.#devices === undefined || device === undefined || device.revoked_at !== null) throw new AppError('INVALID_TOKEN');
    const principal: Principal = { userId: device.created_by_id, tokenId: device.id, role: 'DEVICE', storeId: device.store_id };
    if (isSignIn(device.last_used_at, idleCutoff)) {
      await this.#devices.touchAsSignIn(device.id, usedAt, idleCutoff, signInEvent(principal, 'device', usedAt, sourceAddress));
    } else {
      await this.#devices.touch(device.id, usedAt);
    }
    return principal;
  }

  /**
   * Creates a token for `userId` and returns it; this is the only time the
   * plain token exists. The `token.created` audit event commits with the
   * token and carries the token's row id, never the token or its hash.
   */
  async issueToken(userId: string, issuer: TokenIssuer): Promise<string> {
    const token = generateToken();
    const tokenId = randomUUID();
    const createdAt = nowTimestamp();
    await this.#tokens.insert(
      { id: tokenId, user_id: userId, token_hash: hashToken(token), created_at: createdAt, last_used_at: null, revoked_at: null },
      {
        at: createdAt,
        action: 'token.created',
        actor: issuer.actor,
        targetType: 'user',
        targetId: userId,
        details: { ...issuer.details, tokenId },
        sourceAddress: issuer.sourceAddress,
      },
    );
    return token;
  }
}

/** The party that requests a new token, as its audit event records it. */
export interface TokenIssuer {
  /** Audit actor, e.g. `cli` for the admin command. */
  actor: string;
  /** Client IP; null when the token is not issued over HTTP. */
  sourceAddress: string | null;
  details?: Record<string, unknown>;
}

function isSignIn(lastUsedAt: string | null, idleCutoff: string): boolean {
  return lastUsedAt === null || lastUsedAt < idleCutoff;
}

/** Builds the `auth.sign_in` event of a token's use; the target is the token's row, never the token. */
function signInEvent(principal: Principal, targetType: 'token' | 'device', at: string, sourceAddress: string): AuditEvent {
  return { at, action: 'auth.sign_in', actor: actorOf(principal), targetType, targetId: principal.tokenId, sourceAddress };
}

/** Returns the audit actor of a principal: `device:<id>` for a device token, otherwise `user:<id>`. */
export function actorOf(principal: Principal): string {
  return principal.role === 'DEVICE' ? `device:${principal.tokenId}` : `user:${principal.userId}`;
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
