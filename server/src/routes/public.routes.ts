/** Routes without a session: catalog, local login (health: health.routes.ts). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { LocalLoginBody } from '../../../shared/api';
import { buildCatalog } from '../services/catalog.service';
import type { RouteServices } from './services';

export const publicRoutes: FastifyPluginAsyncZod<{ services: RouteServices }> = async (app, { services }) => {
  const catalog = buildCatalog();
  app.get('/api/catalog', async () => catalog);

  app.post('/api/auth/local-login', { schema: { body: LocalLoginBody } }, async (request) => services.auth.localLogin(request.body.nickname));
};
