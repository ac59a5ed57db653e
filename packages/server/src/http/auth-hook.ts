import type { FastifyRequest } from 'fastify';
import { requireRole, type AuthService, type Principal, type PrincipalRole } from '../services/auth-service.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated caller; null on routes without authentication. */
    principal: Principal | null;
  }
}

/**
 * Returns an onRequest hook that authenticates the bearer token and checks
 * the role before the body is even parsed, so an unauthenticated caller
 * learns nothing about validation.
 */
export function authorize(auth: AuthService, roles: readonly PrincipalRole[]) {
  return async function authorizeRequest(request: FastifyRequest): Promise<void> {
    const principal = await auth.authenticate(request.headers.authorization, request.ip);
    requireRole(principal, roles);
    request.principal = principal;
  };
}

/** Returns the principal an `authorize` hook attached; raises if a route forgot the hook. */
export function principalOf(request: FastifyRequest): Principal {
  if (request.principal === null) throw new Error(`Route ${request.routeOptions.url ?? request.url} has no authorize hook`);
  return request.principal;
}
