import type { FastifyInstance, FastifyReply } from 'fastify';

/**
 * Headers sent with every response, JSON, HTML, errors and storage downloads
 * alike. The policy allows only same-origin scripts, styles, images and
 * requests, with no inline code, and forbids framing.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; " +
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
};

/**
 * Adds `SECURITY_HEADERS` in an onSend hook, which also runs for error and
 * not-found responses. Errors raised before routing skip hooks, so
 * `sendFrameworkError` calls `setSecurityHeaders` itself.
 *
 * NOTE: no Strict-Transport-Security, because this server speaks plain HTTP.
 * Set HSTS on the TLS proxy in front of it.
 */
export function addSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (_request, reply, payload) => {
    setSecurityHeaders(reply);
    return payload;
  });
}

export function setSecurityHeaders(reply: FastifyReply): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) reply.header(name, value);
}
