/** GET /api/health: 200 when the database, storage and queue answer, 503 naming what is down. */
import type { FastifyPluginAsync } from 'fastify';
import { API_ERRORS } from '../../../shared/api';
import type { HealthService } from '../services/health.service';

export const healthRoutes: FastifyPluginAsync<{ health: HealthService }> = async (app, { health }) => {
  app.get('/api/health', async (_request, reply) => {
    const report = await health.report();
    reply.header('cache-control', 'no-store');
    if (report.ok) return report;
    return reply.code(503).send({ code: 'INTERNAL', message: API_ERRORS.INTERNAL, ...report });
  });
};
