/**
 * 办证资格自测 (no session needed; a token, if sent, changes nothing): the pure evaluator from
 * shared/eligibility.ts answers directly. Nothing is stored, and the body (dates of residence and
 * social insurance, which are personal) is never logged: fastify's request log has the method and
 * URL only, and validation failures are answered, not logged.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { EligibilityBody } from '../../../shared/api';
import { evaluateShenzhenResidence } from '../../../shared/eligibility';

export const eligibilityRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post('/api/eligibility/shenzhen-residence', { schema: { body: EligibilityBody } }, async (request) =>
    evaluateShenzhenResidence(request.body),
  );
};
