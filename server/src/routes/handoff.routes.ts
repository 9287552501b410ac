/** 「在手机上继续」: a ticket for an order (desktop) and its redemption (phone). Thin. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { OrderIdParams, RedeemHandoffBody } from '../../../shared/api';
import { requireApplicantSession, type RouteServices } from './services';

export const handoffRoutes: FastifyPluginAsyncZod<{ services: RouteServices }> = async (app, { services }) => {
  requireApplicantSession(app, services.auth);

  app.post('/api/orders/:id/handoff', { schema: { params: OrderIdParams } }, async (request) =>
    services.handoff.issue(request.userId, request.params.id),
  );
  app.post('/api/handoff/redeem', { schema: { body: RedeemHandoffBody } }, async (request) =>
    services.handoff.redeem(request.userId, request.body.ticket),
  );
};
