/** WeChat sign-in, the client's configuration and mini-program code images (no session needed). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { WechatLoginBody, WxacodeQuery } from '../../../shared/api';
import type { RouteServices } from './services';

export const wechatRoutes: FastifyPluginAsyncZod<{ services: RouteServices }> = async (app, { services }) => {
  app.post('/api/auth/wechat', { schema: { body: WechatLoginBody } }, async (request) => services.auth.wechatLogin(request.body.code));

  app.get('/api/client-config', async () => services.wechat.clientConfig());

  app.get('/api/wxacode', { schema: { querystring: WxacodeQuery } }, async (request, reply) => {
    const image = await services.wechat.code(request.query.scene);
    return reply.header('content-type', image.contentType).header('cache-control', 'private, max-age=600').send(image.bytes);
  });
};
