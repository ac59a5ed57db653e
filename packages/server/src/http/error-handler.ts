import { errorMessages, errorStatus, pickLocale, translate, type ErrorCode, type ErrorBody, type Locale } from '@cloud-backup-sync/protocol';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from './app-error.ts';
import { pathOnly } from './logger.ts';
import { setSecurityHeaders } from './security-headers.ts';

export function requestLocale(request: FastifyRequest): Locale {
  return pickLocale(request.headers['accept-language']);
}

/** Renders an error code as the one error shape of the API. */
export function errorBody(code: ErrorCode, locale: Locale, params: Record<string, string | number> = {}): ErrorBody {
  return { error: { code, message: translate(errorMessages, code, locale, params) } };
}

/**
 * Installs the error and not-found handlers, so that every failure, Fastify's
 * own included, returns `{"error": {"code", "message"}}`. Client errors are
 * logged at info and server errors at error.
 */
export function registerErrorHandlers(app: FastifyInstance, options: { bodyLimit: number }): void {
  app.setErrorHandler((error: FastifyError | Error, request, reply) => {
    const appError = toAppError(error, request, options.bodyLimit);
    const status = errorStatus[appError.code];

    if (status >= 500) request.log.error({ err: error, code: appError.code }, 'request failed');
    else request.log.info({ code: appError.code, status }, 'request rejected');

    return sendError(reply, appError, requestLocale(request));
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    return sendError(reply, new AppError('NOT_FOUND', { method: request.method, path }), requestLocale(request));
  });
}

/**
 * Renders errors that Fastify raises before routing (Fastify's
 * `frameworkErrors` option), such as a URL with broken percent-encoding.
 */
export function sendFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const locale = requestLocale(request);
  setSecurityHeaders(reply);
  if (error.code === 'FST_ERR_BAD_URL') {
    request.log.info({ code: 'MALFORMED_URL', status: 400 }, 'request rejected');
    return sendError(reply, new AppError('MALFORMED_URL', { path: pathOnly(request.url).slice(0, 200) }), locale);
  }

  request.log.error({ err: error, code: 'INTERNAL_ERROR' }, 'request failed before routing');
  return sendError(reply, new AppError('INTERNAL_ERROR', {}, { cause: error }), locale);
}

function sendError(reply: FastifyReply, error: AppError, locale: Locale): FastifyReply {
  const retryAfter = error.params['retryAfter'];
  if (error.code === 'TOO_MANY_ATTEMPTS' && retryAfter !== undefined) reply.header('retry-after', String(retryAfter));
  return reply.status(errorStatus[error.code]).type('application/json; charset=utf-8').send(errorBody(error.code, locale, error.params));
}

/** Translates Fastify's body-parser errors by their documented codes; anything unknown is a 500. */
function toAppError(error: FastifyError | Error, request: FastifyRequest, bodyLimit: number): AppError {
  if (error instanceof AppError) return error;

  const code = 'code' in error ? error.code : undefined;
  switch (code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AppError('MALFORMED_JSON', { detail: error.message }, { cause: error });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('MALFORMED_JSON', { detail: 'empty body' }, { cause: error });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('UNSUPPORTED_MEDIA_TYPE', { value: request.headers['content-type'] ?? '' }, { cause: error });
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('PAYLOAD_TOO_LARGE', { limit: bodyLimit }, { cause: error });
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('INVALID_BODY', { field: '(body)', detail: 'the body length does not match Content-Length' }, { cause: error });
  }

  // Fastify's JSON parser raises a SyntaxError with status 400 for bad JSON.
  if (error instanceof SyntaxError && 'statusCode' in error && error.statusCode === 400) {
    return new AppError('MALFORMED_JSON', { detail: error.message }, { cause: error });
  }
  return new AppError('INTERNAL_ERROR', {}, { cause: error });
}
