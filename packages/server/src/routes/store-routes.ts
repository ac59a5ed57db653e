import { createStoreBodySchema } from '@cloud-backup-sync/protocol';
import type { FastifyInstance } from 'fastify';
import { authorize } from '../http/auth-hook.ts';
import { parseRequest } from '../http/validation.ts';
import type { AuthService } from '../services/auth-service.ts';
import type { StoreService } from '../services/store-service.ts';

export function registerStoreRoutes(app: FastifyInstance, services: { auth: AuthService; stores: StoreService }): void {
  const superadminOnly = authorize(services.auth, ['SUPERADMIN']);

  app.post('/api/stores', { onRequest: superadminOnly }, async (request, reply) => {
    const body = parseRequest(createStoreBodySchema, request.body, 'body');
    const store = await services.stores.createStore(body);
    return reply.status(201).send({ store });
  });

  app.get('/api/stores', { onRequest: superadminOnly }, async () => {
    return { stores: await services.stores.listStores() };
  });
}
