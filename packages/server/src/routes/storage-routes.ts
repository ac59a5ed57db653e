import { CHECKSUM_SHA256_HEADER } from '@cloud-backup-sync/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { attachmentContentDisposition } from '../storage/content-disposition.ts';
import { STORAGE_ROUTE_PREFIX, type FilesystemDriver } from '../storage/filesystem/filesystem-driver.ts';
import { AppError } from '../http/app-error.ts';

/**
 * Registers the routes behind the filesystem driver's presigned URLs. They
 * need no token, because the HMAC signature in the query authorizes one
 * method on one object key (and for PUT, one size and SHA-256) until expiry.
 */
export async function registerStorageRoutes(app: FastifyInstance, driver: FilesystemDriver): Promise<void> {
  await app.register(async (scope) => {
    // The PUT route streams uploads to disk, so no parser may buffer them.
    // The JSON body limit does not apply here. The signed size does.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, payload, done) => done(null, payload));

    scope.put(`${STORAGE_ROUTE_PREFIX}/*`, async (request, reply) => {
      const objectKey = objectKeyOf(request);
      const operation = driver.verifyRequest('PUT', objectKey, queryOf(request));
      if (operation.method !== 'PUT') throw new AppError('INVALID_SIGNATURE');

      const declaredLength = request.headers['content-length'];
      if (declaredLength !== undefined && Number(declaredLength) !== operation.sizeBytes) {
        throw new AppError('SIZE_MISMATCH', { actual: declaredLength, expected: operation.sizeBytes });
      }
      checkChecksumHeader(request, operation.sha256);

      await driver.writeObject(objectKey, request.raw, { sizeBytes: operation.sizeBytes, sha256: operation.sha256 });
      request.log.info({ objectKey, sizeBytes: operation.sizeBytes }, 'object stored');
      return reply.status(200).header('etag', `"${operation.sha256}"`).send();
    });

    scope.get(`${STORAGE_ROUTE_PREFIX}/*`, async (request, reply) => {
      const objectKey = objectKeyOf(request);
      const operation = driver.verifyRequest('GET', objectKey, queryOf(request));
      if (operation.method !== 'GET') throw new AppError('INVALID_SIGNATURE');

      const object = await driver.openObject(objectKey);
      if (object === null) throw new AppError('NOT_FOUND', { method: 'GET', path: `${STORAGE_ROUTE_PREFIX}/${objectKey}` });

      return reply
        .header('content-type', 'application/zip')
        .header('content-length', object.sizeBytes)
        .header('content-disposition', attachmentContentDisposition(operation.fileName))
        .send(object.stream);
    });
  });
}

/**
 * Rejects a PUT whose optional `x-amz-checksum-sha256` header differs from
 * the signed SHA-256, as S3 does, before any byte is written.
 */
function checkChecksumHeader(request: FastifyRequest, signedSha256: string): void {
  const header = request.headers[CHECKSUM_SHA256_HEADER];
  if (header === undefined) return;

  const expected = Buffer.from(signedSha256, 'hex').toString('base64');
  if (header !== expected) {
    const actual = typeof header === 'string' ? header : header.join(',');
    throw new AppError('CHECKSUM_MISMATCH', { actual: actual.slice(0, 100), expected });
  }
}

function objectKeyOf(request: FastifyRequest): string {
  const params = request.params;
  const wildcard = typeof params === 'object' && params !== null ? Reflect.get(params, '*') : undefined;
  return typeof wildcard === 'string' ? wildcard : '';
}

/** Returns the raw query, because Fastify's parsed query object merges repeated keys. */
function queryOf(request: FastifyRequest): URLSearchParams {
  const queryStart = request.url.indexOf('?');
  return new URLSearchParams(queryStart === -1 ? '' : request.url.slice(queryStart + 1));
}
