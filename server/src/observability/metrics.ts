/**
 * GET /metrics in the Prometheus text format, through prom-client (the client Prometheus' own
 * docs list for Node: histograms with correct `_bucket`/`_sum`/`_count` series, label escaping,
 * and the process metrics — CPU, memory, event-loop lag — operators expect next to ours).
 *
 * One registry per app, not prom-client's global one: tests build many apps in one process.
 * Counters and histograms count what this process did; the job and outbox gauges are read from
 * the database at scrape time, so they are the same on every instance (use max(), not sum()).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { PhotoProcessor } from '../services/photo-processing.service';
import type { WeChatApi } from '../wechat/wechat-api';
import type { OperationsRepository } from '../repositories/operations.repository';

export class AppMetrics {
  readonly registry = new Registry();
  readonly httpDuration: Histogram<'method' | 'route' | 'status_code'>;
  readonly photoSeconds: Histogram<'outcome'>;
  readonly notifications: Counter<'outcome'>;

  constructor(operations: OperationsRepository) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'zphz_' });
    this.httpDuration = new Histogram({
      name: 'zphz_http_request_duration_seconds',
      help: 'HTTP request latency by route pattern (unmatched: no route).',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.photoSeconds = new Histogram({
      name: 'zphz_photo_processing_seconds',
      help: 'Time the engine took for one photo (accepted, rejected by a check, or error).',
      labelNames: ['outcome'],
      buckets: [0.25, 0.5, 1, 2, 3, 5, 8, 13, 20, 30, 60],
      registers,
    });
    this.notifications = new Counter({
      name: 'zphz_notifications_total',
      help: 'WeChat subscribe messages this process sent, or whose send failed.',
      labelNames: ['outcome'],
      registers,
    });
    for (const outcome of ['sent', 'failed']) this.notifications.inc({ outcome }, 0);
    new Gauge({
      name: 'zphz_jobs',
      help: 'Jobs in the queue by type and state (queued includes retries waiting for their time).',
      labelNames: ['type', 'state'],
      registers,
      async collect() {
        this.reset();
        for (const row of await operations.jobCounts()) this.set({ type: row.name, state: row.status }, row.count);
      },
    });
    new Gauge({
      name: 'zphz_notification_outbox',
      help: 'Notifications by WeChat delivery state (pending, sending, sent, no_quota, refused, skipped, failed).',
      labelNames: ['state'],
      registers,
      async collect() {
        this.reset();
        for (const row of await operations.outboxCounts()) this.set({ state: row.state }, row.count);
      },
    });
  }

  /** The engine, timed: every photo it handles is observed with its outcome. */
  timeProcessor(processor: PhotoProcessor): PhotoProcessor {
    const seconds = this.photoSeconds;
    return {
      get size() {
        return processor.size;
      },
      async process(input, cert) {
        const end = seconds.startTimer();
        try {
          const result = await processor.process(input, cert);
          end({ outcome: result.report.ok ? 'accepted' : 'rejected' });
          return result;
        } catch (err) {
          end({ outcome: 'error' });
          throw err;
        }
      },
      close: () => processor.close(),
    };
  }

  /** The WeChat API, counted: each subscribe message sent or failed. */
  countNotifications(wechat: WeChatApi): WeChatApi {
    const counter = this.notifications;
    return {
      code2Session: (code) => wechat.code2Session(code),
      getUnlimitedCode: (request) => wechat.getUnlimitedCode(request),
      async sendSubscribeMessage(message) {
        try {
          const result = await wechat.sendSubscribeMessage(message);
          counter.inc({ outcome: result.ok ? 'sent' : 'failed' });
          return result;
        } catch (err) {
          counter.inc({ outcome: 'failed' });
          throw err;
        }
      },
    };
  }
}
