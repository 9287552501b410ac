/**
 * GET /metrics (Prometheus text format). Not for the public: with METRICS_TOKEN set it wants
 * `Authorization: Bearer <token>` (401 otherwise); without one it answers only to a client on
 * the loopback interface (a Prometheus or agent on the same host) and is a plain 404 to anyone
 * else. The peer is the TCP peer, not X-Forwarded-For: a proxy on the same host would make every
 * client look local, so set METRICS_TOKEN (or do not route /metrics) when one is in front.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import type { AppMetrics } from '../observability/metrics';
import { sendError } from './error-handler';
import { trustedPeer } from '../observability/request-context';

const isLoopback = trustedPeer('loopback');
const digest = (s: string) => createHash('sha256').update(s).digest();

export const metricsRoutes: FastifyPluginAsync<{ metrics: AppMetrics; token: string | null }> = async (app, { metrics, token }) => {
  app.get('/metrics', async (request, reply) => {
    if (token) {
      const given = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '';
      if (!timingSafeEqual(digest(given), digest(token))) return sendError(reply, 'UNAUTHORIZED');
    } else if (!isLoopback(request.socket.remoteAddress)) {
      return sendError(reply, 'ROUTE_NOT_FOUND');
    }
    const body = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).header('cache-control', 'no-store').send(body);
  });
};
