/**
 * Requests that race on one order: a double-tapped submit is idempotent; concurrent decisions,
 * claims, uploads and counter uses each leave exactly one winner, and the order's history stays a
 * chain the state machine allows (no lost update). Each race runs several rounds, with the
 * requests fired together through the real app and real SQLite.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderView, ReceiptLookupView, ReviewOrderView, ReviewQueueItem } from '../../shared/api';
import { canTransition, transition, type OrderEvent } from '../../shared/order-machine';
import type { AppConfig } from '../src/config';
import {
  addApiKey,
  addStaff,
  auth,
  claimedOrder,
  createOrder,
  eventually,
  fakeProcessor,
  fakeReport,
  fixture,
  getOrder,
  localCounter,
  localReviewer,
  login,
  openOutbox,
  post,
  readyOrder,
  staffLogin,
  submittedOrder,
  tempDataDir,
  testApp,
  testConfig,
  uploadPhoto,
  waitUntilProcessed,
  MovableClock,
  storedNames,
} from './support/api-harness';

const ROUNDS = 5;
const data = tempDataDir();
const clock = new MovableClock();
/** How long the stand-in engine takes: long enough for uploads to overlap their jobs. */
let engineDelayMs = 0;
const processor = fakeProcessor(async (input, cert) => {
  if (engineDelayMs) await new Promise((r) => setTimeout(r, engineDelayMs));
  return { report: fakeReport(cert, true), jpeg: input };
});
let config: AppConfig;
let app: FastifyInstance;
let outbox: Awaited<ReturnType<typeof openOutbox>>;
let applicant: string;
const reviewers: string[] = [];
let counter: string;
let admin: string;
let apiKey: string;

beforeAll(async () => {
  config = testConfig(data.dir);
  app = await testApp(config, { processor, clock });
  outbox = await openOutbox(config);
  applicant = await login(app, '连点的人');
  reviewers.push(await localReviewer(app, data.dir));
  for (let i = 2; i <= 5; i++) reviewers.push(await staffLogin(app, `reviewer${i}`, await addStaff(config, 'reviewer', `reviewer${i}`)));
  counter = await localCounter(app, data.dir);
  admin = await staffLogin(app, 'admin', await addStaff(config, 'admin', 'admin'));
  apiKey = await addApiKey(config, '办证平台');
});
afterAll(async () => {
  await app?.close();
  await outbox?.close();
  data.remove();
});

/** The history is one unbroken chain of moves the state machine allows, ending at the status. */
function expectConsistentHistory(order: OrderView): void {
  const [created, ...moves] = order.history;
  expect(created).toMatchObject({ from: null, to: 'draft', event: 'create' });
  let status = created!.to;
  for (const h of moves) {
    expect(h.from, `history of ${order.id}: ${JSON.stringify(order.history)}`).toBe(status);
    expect(canTransition(h.from!, h.event as OrderEvent, h.actor)).toBe(true);
    expect(transition(h.from!, h.event as OrderEvent, h.actor)).toBe(h.to);
    status = h.to;
  }
  expect(order.status).toBe(status);
}

function count(order: OrderView, event: string): number {
  return order.history.filter((h) => h.event === event).length;
}

function sortedStatuses(results: { statusCode: number }[]): number[] {
  return results.map((r) => r.statusCode).sort();
}

describe('a double-tapped submit', () => {
  it('answers both taps with the same submitted order and records one submit', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const order = await readyOrder(app, applicant);
      const taps = await Promise.all([post(app, `/api/orders/${order.id}/submit`, applicant), post(app, `/api/orders/${order.id}/submit`, applicant)]);
      for (const tap of taps) expect(tap.statusCode, tap.body).toBe(200);
      const [a, b] = taps.map((t) => t.json<OrderView>());
      expect(a!.status).toBe('submitted');
      expect(b).toEqual(a);
      const view = await getOrder(app, applicant, order.id);
      expect(count(view, 'submit')).toBe(1);
      expectConsistentHistory(view);
      // A late third tap is the same repeat; once a reviewer has it, a submit is refused again.
      expect((await post(app, `/api/orders/${order.id}/submit`, applicant)).json<OrderView>()).toEqual(view);
      expect((await post(app, `/api/review/${order.id}/claim`, reviewers[0]!)).statusCode).toBe(200);
      const late = await post(app, `/api/orders/${order.id}/submit`, applicant);
      expect(late.statusCode).toBe(409);
      expect(late.json().code).toBe('WRONG_STATUS');
    }
  });

  it('stays one submit when the photo is retaken at the same moment: one of the two wins', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const order = await readyOrder(app, applicant);
      const [submit, retake] = await Promise.all([post(app, `/api/orders/${order.id}/submit`, applicant), uploadPhoto(app, applicant, order.id, fixture('deepface-img3.jpg'))]);
      const won = [submit.statusCode === 200, retake.statusCode === 202];
      expect(won.filter(Boolean), `submit ${submit.statusCode} ${submit.body} / retake ${retake.statusCode} ${retake.body}`).toHaveLength(1);
      const loser = won[0] ? retake : submit;
      expect(loser.statusCode).toBe(409);
      expect(loser.json().code).toBe('WRONG_STATUS');
      const view = await waitUntilProcessed(app, applicant, order.id);
      expect(view.status).toBe(won[0] ? 'submitted' : 'ready');
      expectConsistentHistory(view);
    }
  });
});

describe('concurrent review decisions', () => {
  it('approve and reject by the claim holder at once: exactly one wins, the other is 409, one decision recorded', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const order = await claimedOrder(app, applicant, reviewers[0]!);
      const [approve, reject] = await Promise.all([
        post(app, `/api/review/${order.id}/approve`, reviewers[0]!),
        post(app, `/api/review/${order.id}/reject`, reviewers[0]!, { reasons: ['accessories'] }),
      ]);
      expect(sortedStatuses([approve, reject])).toEqual([200, 409]);
      const winner = approve.statusCode === 200 ? 'approved' : 'rejected';
      const loser = approve.statusCode === 200 ? reject : approve;
      // Whichever way the race went, the loser hears the order was already decided.
      expect(loser.json().code).toBe('WRONG_STATUS');
      const view = await getOrder(app, applicant, order.id);
      expect(view.status).toBe(winner);
      expect(count(view, 'approve') + count(view, 'reject')).toBe(1);
      expect(view.review!.decision).toBe(winner);
      expect(Boolean(view.receipt)).toBe(winner === 'approved');
      expectConsistentHistory(view);
      await expectOneDecision(order.id);
    }
  });

  it('approve by the holder and reject by another reviewer at once: the holder wins, the other gets 409', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const order = await claimedOrder(app, applicant, reviewers[0]!);
      const [approve, reject] = await Promise.all([
        post(app, `/api/review/${order.id}/approve`, reviewers[0]!),
        post(app, `/api/review/${order.id}/reject`, reviewers[1]!, { reasons: ['accessories'] }),
      ]);
      expect(approve.statusCode, approve.body).toBe(200);
      expect(reject.statusCode).toBe(409);
      // Not the holder (read before the approval landed), or already decided (read after).
      expect(['NOT_CLAIMED', 'WRONG_STATUS']).toContain(reject.json().code);
      const view = await getOrder(app, applicant, order.id);
      expect(view.status).toBe('approved');
      expectConsistentHistory(view);
      await expectOneDecision(order.id);
    }
  });

  it('a late decision racing a takeover of the run-out claim: one of them wins, never both', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const order = await claimedOrder(app, applicant, reviewers[0]!);
      clock.offsetMs = 16 * 60_000;
      try {
        const [decide, takeover] = await Promise.all([post(app, `/api/review/${order.id}/approve`, reviewers[0]!), post(app, `/api/review/${order.id}/claim`, reviewers[1]!)]);
        expect(sortedStatuses([decide, takeover])).toEqual([200, 409]);
        const view = await getOrder(app, applicant, order.id);
        if (decide.statusCode === 200) {
          expect(view.status).toBe('approved');
          expect(takeover.json().code).toBe('WRONG_STATUS');
        } else {
          expect(view.status).toBe('in_review');
          expect(decide.json().code).toBe('NOT_CLAIMED');
          const held = await app.inject({ method: 'GET', url: `/api/review/${order.id}`, headers: auth(reviewers[1]!) });
          expect(held.json<ReviewOrderView>().claimedByMe).toBe(true);
        }
        expectConsistentHistory(view);
      } finally {
        clock.offsetMs = 0;
      }
    }
  });
});

describe('concurrent claims', () => {
  it('five reviewers claim one order at once: exactly one holds it', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const order = await submittedOrder(app, applicant);
      const claims = await Promise.all(reviewers.map((token) => post(app, `/api/review/${order.id}/claim`, token)));
      expect(sortedStatuses(claims)).toEqual([200, 409, 409, 409, 409]);
      for (const lost of claims.filter((c) => c.statusCode === 409)) expect(lost.json().code).toBe('ALREADY_CLAIMED');
      const holder = reviewers[claims.findIndex((c) => c.statusCode === 200)]!;
      const queue = (await app.inject({ method: 'GET', url: '/api/review/queue', headers: auth(holder) })).json<ReviewQueueItem[]>();
      const item = queue.find((q) => q.orderId === order.id)!;
      const holderName = (await app.inject({ method: 'GET', url: '/api/auth/me', headers: auth(holder) })).json<{ name: string }>().name;
      expect(item.claimedBy).toBe(holderName);
      for (const token of reviewers) {
        const view = (await app.inject({ method: 'GET', url: `/api/review/${order.id}`, headers: auth(token) })).json<ReviewOrderView>();
        expect(view.claimedByMe).toBe(token === holder);
      }
      const view = await getOrder(app, applicant, order.id);
      expect(count(view, 'start_review')).toBe(1);
      expectConsistentHistory(view);
    }
  });
});

describe('concurrent uploads to one order', () => {
  it('no lost update: one upload wins, its photo is the one kept, one photo job result, no stray files', async () => {
    engineDelayMs = 200;
    try {
      for (let round = 0; round < ROUNDS; round++) {
        const order = await createOrder(app, applicant);
        // Three different photos, so the one kept tells whose upload it was.
        const photos = ['deepface-img3.jpg', 'deepface-img10.jpg', 'deepface-img29.jpg'].map(fixture);
        const uploads = await Promise.all(photos.map((photo) => uploadPhoto(app, applicant, order.id, photo)));
        const accepted = uploads.filter((u) => u.statusCode === 202);
        expect(accepted.length, uploads.map((u) => `${u.statusCode} ${u.body.slice(0, 80)}`).join(' | ')).toBeGreaterThanOrEqual(1);
        for (const lost of uploads.filter((u) => u.statusCode !== 202)) {
          expect(lost.statusCode).toBe(409);
          expect(lost.json().code).toBe('WRONG_STATUS');
        }
        const view = await waitUntilProcessed(app, applicant, order.id);
        expect(view.status).toBe('ready');
        expect(count(view, 'upload_photo')).toBe(accepted.length);
        expect(count(view, 'photo_accepted')).toBe(1);
        expectConsistentHistory(view);
        // The kept photo is the last winning upload's; nothing else of this order lies in the store
        // (a finished job deletes its original just after).
        const files = await eventually('the original deleted', async () => {
          const names = await storedNames(config, order.id);
          return names.every((n) => n.endsWith('.photo')) && names;
        });
        expect(files).toHaveLength(1);
        const photo = await app.inject({ method: 'GET', url: view.photoUrl! });
        expect(photo.statusCode).toBe(200);
        // The last accepted upload is the one whose answer has the longest history.
        const historyLength = (i: number) => (uploads[i]!.statusCode === 202 ? uploads[i]!.json<OrderView>().history.length : -1);
        const last = [0, 1, 2].reduce((a, b) => (historyLength(b) > historyLength(a) ? b : a));
        expect(photo.rawPayload.equals(photos[last]!), `the kept photo is upload ${last + 1}'s`).toBe(true);
        const jobs = await jobsFor(order.id);
        expect(jobs.filter((j) => j.status === 'queued' || j.status === 'running')).toEqual([]);
      }
    } finally {
      engineDelayMs = 0;
    }
  });
});

describe('concurrent counter use of one receipt', () => {
  it('five uses at once (clerks, admin, the platform): exactly one succeeds, the rest hear 409 RECEIPT_USED', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const order = await claimedOrder(app, applicant, reviewers[0]!);
      const number = (await post(app, `/api/review/${order.id}/approve`, reviewers[0]!)).json<ReviewOrderView>().receipt!.number;
      const uses = await Promise.all([counter, admin, apiKey, counter, apiKey].map((token) => post(app, `/api/receipts/${number}/use`, token)));
      expect(sortedStatuses(uses)).toEqual([200, 409, 409, 409, 409]);
      for (const lost of uses.filter((u) => u.statusCode === 409)) expect(lost.json().code).toBe('RECEIPT_USED');
      expect(uses.find((u) => u.statusCode === 200)!.json<ReceiptLookupView>().status).toBe('used');
      const view = await getOrder(app, applicant, order.id);
      expect(view.status).toBe('used');
      expect(count(view, 'use')).toBe(1);
      expect(view.receipt!.usedAt).not.toBeNull();
      expectConsistentHistory(view);
    }
  });
});

// ---- helpers that look into the database ----

async function expectOneDecision(orderId: string): Promise<void> {
  const decisions = await outbox.db.selectFrom('review_decisions').selectAll().where('order_id', '=', orderId).execute();
  expect(decisions).toHaveLength(1);
  const receipts = await outbox.db.selectFrom('receipts').selectAll().where('order_id', '=', orderId).execute();
  expect(receipts).toHaveLength(decisions[0]!.decision === 'approved' ? 1 : 0);
  const notes = await outbox.db.selectFrom('notifications').select('kind').where('order_id', '=', orderId).execute();
  expect(notes.filter((n) => n.kind === 'review_approved' || n.kind === 'review_rejected')).toHaveLength(1);
}

function jobsFor(orderId: string) {
  return outbox.db.selectFrom('jobs').select(['status', 'payload']).where('subject', '=', `order:${orderId}`).execute();
}
