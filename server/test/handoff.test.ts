/**
 * 「在手机上继续」 through the API: a ticket for the owner's order, redeemed by the owner (more
 * than once) until it expires; anyone else is refused and the refusal audited.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HandoffView, RedeemHandoffView } from '../../shared/api';
import { HANDOFF_TICKET_MINUTES, HANDOFF_TICKET_PATTERN, parseScene, SCENE_PATTERN } from '../../shared/wechat';
import type { AppConfig } from '../src/config';
import { CryptoRepository } from '../src/repositories/crypto.repository';
import { OrderRepository } from '../src/repositories/order.repository';
import { acceptingProcessor, createOrder, expectError, login, openOutbox, post, tempDataDir, testApp, testConfig, MovableClock } from './support/api-harness';

const data = tempDataDir();
const clock = new MovableClock();
let config: AppConfig;
let app: FastifyInstance;
let outbox: Awaited<ReturnType<typeof openOutbox>>;
let owner: string;
let stranger: string;

beforeAll(async () => {
  config = testConfig(data.dir);
  app = await testApp(config, { processor: acceptingProcessor(), clock });
  outbox = await openOutbox(config);
  owner = await login(app, '下单人');
  stranger = await login(app, '路人');
});
afterAll(async () => {
  await app?.close();
  await outbox?.close();
  data.remove();
});

async function ticketFor(orderId: string): Promise<HandoffView> {
  const res = await post(app, `/api/orders/${orderId}/handoff`, owner);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<HandoffView>();
}

describe('issuing a ticket', () => {
  it('gives the owner a fresh 12-character ticket in a valid scene, expiring in 10 minutes, stored only hashed', async () => {
    const order = await createOrder(app, owner);
    const before = Date.now();
    const a = await ticketFor(order.id);
    const b = await ticketFor(order.id);
    expect(a.ticket).toMatch(HANDOFF_TICKET_PATTERN);
    expect(b.ticket).not.toBe(a.ticket);
    expect(a.scene).toBe(`t=${a.ticket}`);
    expect(a.scene).toMatch(SCENE_PATTERN);
    expect(parseScene(encodeURIComponent(a.scene))).toEqual({ kind: 'handoff', ticket: a.ticket });
    expect(a.codeUrl).toBe(`/api/wxacode?scene=t%3D${a.ticket}`);
    const life = Date.parse(a.expiresAt) - before;
    expect(life).toBeGreaterThanOrEqual(HANDOFF_TICKET_MINUTES * 60_000 - 5);
    expect(life).toBeLessThanOrEqual(HANDOFF_TICKET_MINUTES * 60_000 + 5_000);

    const stored = await outbox.db.selectFrom('handoff_tickets').selectAll().where('order_id', '=', order.id).execute();
    expect(stored).toHaveLength(2);
    expect(JSON.stringify(stored)).not.toContain(a.ticket);
    expect(JSON.stringify(stored)).not.toContain(b.ticket);
  });

  it("is refused for someone else's order (404, as for every order route) and without a session (401)", async () => {
    const order = await createOrder(app, owner);
    expectError(await post(app, `/api/orders/${order.id}/handoff`, stranger), 404, 'NOT_FOUND');
    expectError(await post(app, `/api/orders/${order.id}/handoff`), 401, 'UNAUTHORIZED');
  });
});

describe('redeeming a ticket', () => {
  it('opens the order for its owner, as often as the code is scanned', async () => {
    const order = await createOrder(app, owner);
    const { ticket } = await ticketFor(order.id);
    for (let i = 0; i < 2; i++) {
      const res = await post(app, '/api/handoff/redeem', owner, { ticket });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json<RedeemHandoffView>()).toEqual({ orderId: order.id });
    }
  });

  it('refuses another person (403, audited), an expired ticket (410), an unknown one (404) and a malformed one (400)', async () => {
    const order = await createOrder(app, owner);
    const { ticket } = await ticketFor(order.id);

    expectError(await post(app, '/api/handoff/redeem', stranger, { ticket }), 403, 'HANDOFF_NOT_OWNER');
    const audit = await new OrderRepository(outbox.db, new CryptoRepository(config.encryptionKey)).auditLog({ orderId: order.id });
    expect(audit).toEqual([expect.objectContaining({ actorType: 'applicant', action: 'handoff.redeem', orderId: order.id, details: { result: 'not_owner' } })]);

    clock.offsetMs = HANDOFF_TICKET_MINUTES * 60_000 + 1_000;
    try {
      expectError(await post(app, '/api/handoff/redeem', owner, { ticket }), 410, 'HANDOFF_EXPIRED');
    } finally {
      clock.offsetMs = 0;
    }

    expectError(await post(app, '/api/handoff/redeem', owner, { ticket: 'AAAAAAAAAAAA' }), 404, 'HANDOFF_NOT_FOUND');
    for (const bad of ['short', 't=AAAAAAAAAAAA', 'AAAAAAAAAAA!', 'A'.repeat(13)]) {
      const res = await post(app, '/api/handoff/redeem', owner, { ticket: bad });
      expect(expectError(res, 400, 'VALIDATION_FAILED').fields).toEqual({ ticket: '二维码无效' });
    }
    expectError(await post(app, '/api/handoff/redeem', undefined, { ticket }), 401, 'UNAUTHORIZED');
  });
});
