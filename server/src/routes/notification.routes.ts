/** The in-app notifications of the signed-in user. Thin. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { NotificationIdParams } from '../../../shared/api';
import { requireApplicantSession, type RouteServices } from './services';

export const notificationRoutes: FastifyPluginAsyncZod<{ services: RouteServices }> = async (app, { services }) => {
  requireApplicantSession(app, services.auth);

  app.get('/api/notifications', async (request) => services.notifications.list(request.userId));
  app.post('/api/notifications/read-all', async (request) => services.notifications.markAllRead(request.userId));
  app.post('/api/notifications/:id/read', { schema: { params: NotificationIdParams } }, async (request) =>
    services.notifications.markRead(request.userId, request.params.id),
  );
};
