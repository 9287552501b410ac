/** Sign-in for staff, who-am-I and logout for everyone, the review desk, and the counter's receipt look-up. Thin. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ReceiptNumberParams, RejectBody, ReviewOrderParams, StaffLoginBody } from '../../../shared/api';
import type { SessionUser } from '../repositories/user.repository';
import type { StaffActor } from '../services/auth.service';
import type { RouteServices } from './services';

declare module 'fastify' {
  interface FastifyRequest {
    staff: SessionUser | null;
    counter: StaffActor | null;
  }
}

export const authRoutes: FastifyPluginAsyncZod<{ services: RouteServices }> = async (app, { services }) => {
  app.post('/api/auth/staff-login', { schema: { body: StaffLoginBody } }, async (request) =>
    services.auth.staffLogin(request.body.username, request.body.password),
  );
  app.get('/api/auth/me', async (request) => services.auth.me(request.headers.authorization));
  // Ends this session (applicant or staff); the token answers 401 afterwards.
  app.post('/api/auth/logout', async (request, reply) => {
    await services.auth.logout(request.headers.authorization);
    return reply.code(204).send();
  });
};

export const reviewRoutes: FastifyPluginAsyncZod<{ services: RouteServices }> = async (app, { services }) => {
  app.decorateRequest('staff', null);
  app.addHook('onRequest', async (request) => {
    request.staff = await services.auth.requireRole(request.headers.authorization, ['reviewer', 'admin']);
  });

  app.get('/api/review/queue', async () => services.review.queue());
  app.get('/api/review/:orderId', { schema: { params: ReviewOrderParams } }, async (request) =>
    services.review.get(request.staff!, request.params.orderId),
  );
  app.post('/api/review/:orderId/claim', { schema: { params: ReviewOrderParams } }, async (request) =>
    services.review.claim(request.staff!, request.params.orderId),
  );
  app.post('/api/review/:orderId/approve', { schema: { params: ReviewOrderParams } }, async (request) =>
    services.review.approve(request.staff!, request.params.orderId),
  );
  app.post('/api/review/:orderId/reject', { schema: { params: ReviewOrderParams, body: RejectBody } }, async (request) =>
    services.review.reject(request.staff!, request.params.orderId, request.body),
  );
};

export const receiptRoutes: FastifyPluginAsyncZod<{ services: RouteServices }> = async (app, { services }) => {
  app.decorateRequest('counter', null);
  app.addHook('onRequest', async (request) => {
    request.counter = await services.auth.requireCounter(request.headers.authorization);
  });

  app.get('/api/receipts/:number', { schema: { params: ReceiptNumberParams } }, async (request) =>
    services.receipts.lookup(request.counter!, request.params.number),
  );
  app.post('/api/receipts/:number/use', { schema: { params: ReceiptNumberParams } }, async (request) =>
    services.receipts.use(request.counter!, request.params.number),
  );
};
