/**
 * Returns the most specific reason of a network failure, for the parentheses of a translated
 * message. fetch rejects with "fetch failed" or "terminated" and keeps the system error
 * (ECONNREFUSED with its address, UND_ERR_SOCKET, …) in `cause`. So this returns the deepest
 * cause's code with its address, or that cause's message when it has no code.
 */
export function describeNetworkCause(error: unknown): string {
  let deepest: unknown = error;
  for (let depth = 0; depth < 5 && deepest instanceof Error && deepest.cause !== undefined; depth += 1) {
    deepest = deepest.cause;
  }
  if (!(deepest instanceof Error)) return String(deepest);

  const { code, address, port } = deepest as NodeJS.ErrnoException & { address?: unknown; port?: unknown };
  if (typeof code !== 'string') return deepest.message;
  if (typeof address !== 'string') return code;
  return typeof port === 'number' ? `${code} ${address}:${port}` : `${code} ${address}`;
}
