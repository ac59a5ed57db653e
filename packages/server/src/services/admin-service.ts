import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Database } from '../db/database.ts';
import { nowTimestamp } from '../db/timestamps.ts';
import { TokenRepository } from '../repositories/token-repository.ts';
import { UserRepository } from '../repositories/user-repository.ts';
import { AuthService } from './auth-service.ts';

const emailSchema = z.email();

/** Raised for an email that cannot belong to a user. */
export class InvalidEmailError extends Error {
  constructor(email: string) {
    super(`Invalid email "${email}": use an address such as admin@example.com / Correo "${email}" no válido: use una dirección como admin@example.com`);
    this.name = 'InvalidEmailError';
  }
}

/**
 * Creates the SUPERADMIN user for `email` if it does not exist yet, and
 * issues a new token for it, audited as `token.created` by actor `cli`.
 * Earlier tokens of that user stay valid.
 */
export async function issueSuperadminToken(db: Database, email: string): Promise<{ userId: string; token: string }> {
  const normalized = email.trim().toLowerCase();
  if (!emailSchema.safeParse(normalized).success) throw new InvalidEmailError(email);

  const users = new UserRepository(db);
  const newUserId = randomUUID();
  const user = await users.insertOrGet({ id: newUserId, email: normalized, role: 'SUPERADMIN', created_at: nowTimestamp() });
  const token = await new AuthService(new TokenRepository(db)).issueToken(user.id, {
    actor: 'cli',
    sourceAddress: null,
    details: { email: user.email, userCreated: user.id === newUserId },
  });
  return { userId: user.id, token };
}
