import { createDeviceBodySchema, deviceStatusBodySchema, idSchema, listDevicesQuerySchema } from '@cloud-backup-sync/protocol';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { authorize, principalOf } from '../http/auth-hook.ts';
import { parseRequest } from '../http/validation.ts';
import type { AuthService } from '../services/auth-service.ts';
import type { DeviceService } from '../services/device-service.ts';

const deviceIdParamsSchema = z.object({ id: idSchema });

/**
 * Registers `/api/devices`: SUPERADMIN creates, lists and revokes device
 * tokens; a DEVICE reports its own agent's status and nothing else.
 */
export function registerDeviceRoutes(app: FastifyInstance, services: { auth: AuthService; devices: DeviceService }): void {
  const superadminOnly = authorize(services.auth, ['SUPERADMIN']);
  // Only a device has a row to store a status on, so a SUPERADMIN token gets FORBIDDEN here.
  const deviceOnly = authorize(services.auth, ['DEVICE']);

  app.post('/api/devices', { onRequest: superadminOnly }, async (request, reply) => {
    const body = parseRequest(createDeviceBodySchema, request.body, 'body', { name: 'INVALID_DEVICE_NAME' });
    const created = await services.devices.createDevice(principalOf(request), body, request.ip);
    return reply.status(201).send(created);
  });

  app.get('/api/devices', { onRequest: superadminOnly }, async (request) => {
    const query = parseRequest(listDevicesQuerySchema, request.query, 'query');
    return { devices: await services.devices.listDevices(query.storeId) };
  });

  app.delete('/api/devices/:id', { onRequest: superadminOnly }, async (request) => {
    const params = parseRequest(deviceIdParamsSchema, request.params, 'params');
    return { device: await services.devices.revokeDevice(principalOf(request), params.id, request.ip) };
  });

  app.post('/api/devices/status', { onRequest: deviceOnly }, async (request) => {
    const body = parseRequest(deviceStatusBodySchema, request.body, 'body');
    return { device: await services.devices.reportStatus(principalOf(request), body) };
  });
}
