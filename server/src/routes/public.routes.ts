/** Routes without a session: health, catalog, local login. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { LocalLoginBody } from '../../../shared/api';
import { buildCatalog } from '../services/catalog.service';
import type { RouteServices } from './services';

export const publicRoutes: FastifyPluginAsyncZod<{ services: RouteServices }> = async (app, { services }) => {
  app.get('/api/health', async () => ({ ok: true }));

  const catalog = buildCatalog();
  app.get('/api/catalog', async () => catalog);

  app.post('/api/auth/local-login', { schema: { body: LocalLoginBody } }, async (request) => services.auth.localLogin(request.body.nickname));
};
