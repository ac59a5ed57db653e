import type { HealthResponse } from '@cloud-backup-sync/protocol';
import type { FastifyInstance } from 'fastify';

/** `GET /api/health`: no authentication, for load balancers and `backup-sync doctor`. */
export function registerHealthRoutes(app: FastifyInstance, health: Omit<HealthResponse, 'status'>): void {
  app.get('/api/health', async (): Promise<HealthResponse> => ({ status: 'ok', ...health }));
}
