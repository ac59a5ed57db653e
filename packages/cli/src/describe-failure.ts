import { ApiError, describeNetworkCause, RestoreError } from '@cloud-backup-sync/agent';
import { message, type CliContext } from './cli-context.ts';

/**
 * Describes a failed command in one line. API errors carry a message already
 * in the user's language (the client sends Accept-Language) and a stable code.
 * Network failures and responses from something else get a translated explanation.
 */
export function describeFailure(context: CliContext, error: unknown): string {
  if (error instanceof ApiError) {
    if (error.code === 'NETWORK_ERROR') {
      return message(context, 'error.prefix', {
        message: message(context, 'error.network', { api: apiOrigin(error.message), detail: describeNetworkCause(error) }),
      });
    }
    if (error.code === 'BAD_RESPONSE') {
      return message(context, 'error.prefix', {
        message: message(context, 'error.badResponse', { api: apiOrigin(error.message), detail: error.message }),
      });
    }
    return message(context, 'error.prefix', { message: `${error.message} (${error.code})` });
  }
  if (error instanceof RestoreError) {
    return message(context, 'error.prefix', { message: `${error.message} (${error.code})` });
  }
  const detail = error instanceof Error ? error.message : String(error);
  return message(context, 'error.prefix', { message: message(context, 'error.unexpected', { detail }) });
}

/** Extracts the URL's origin from a NETWORK_ERROR or BAD_RESPONSE message, which names the URL. */
function apiOrigin(text: string): string {
  const match = /https?:\/\/[^/\s:]+(?::\d+)?/.exec(text);
  return match ? match[0] : text;
}
