/**
 * The HTTP API used directly, for the orders a test needs but whose screens another step already
 * covers (a second receipt group/city, an order waiting in the review queue).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { LocalStaffFile } from '../../server/src/repositories/local-staff.repository';

/** The applicant's details as the API takes them (consent is added). */
export interface Applicant {
  name: string;
  idNumber: string;
  phone: string;
}

export class Api {
  constructor(
    private readonly baseUrl: string,
    readonly token: string | null = null,
  ) {}

  async call<T = any>(method: string, url: string, body?: unknown, expectStatus?: number): Promise<T> {
    const headers: Record<string, string> = {};
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    let payload: BodyInit | undefined;
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const res = await fetch(this.baseUrl + url, { method, headers, body: payload });
    const text = await res.text();
    const ok = expectStatus === undefined ? res.ok : res.status === expectStatus;
    if (!ok) throw new Error(`${method} ${url} → ${res.status}: ${text.slice(0, 300)}`);
    return (text ? JSON.parse(text) : null) as T;
  }

  static async applicant(baseUrl: string, nickname: string): Promise<Api> {
    const { token } = await new Api(baseUrl).call<{ token: string }>('POST', '/api/auth/local-login', { nickname });
    return new Api(baseUrl, token);
  }

  static async staff(baseUrl: string, username: string, password: string): Promise<Api> {
    const { token } = await new Api(baseUrl).call<{ token: string }>('POST', '/api/auth/staff-login', { username, password });
    return new Api(baseUrl, token);
  }

  /** Creates an order, uploads the photo, waits for the engine, fills the applicant and submits. */
  async submittedOrder(
    certType: string,
    cityCode: string,
    photo: string,
    applicant: Applicant,
    timeout = 60_000,
  ): Promise<string> {
    const order = await this.call<{ id: string }>('POST', '/api/orders', { certType, cityCode });
    await this.completeAndSubmit(order.id, photo, applicant, timeout);
    return order.id;
  }

  /** For an existing order (e.g. one made on screen): uploads the photo, waits for the engine,
   * fills the applicant (with consent) and submits. */
  async completeAndSubmit(orderId: string, photo: string, applicant: Applicant, timeout = 60_000): Promise<void> {
    const form = new FormData();
    form.append('photo', new Blob([readFileSync(photo)], { type: 'image/jpeg' }), path.basename(photo));
    await this.call('PUT', `/api/orders/${orderId}/photo`, form);
    const deadline = Date.now() + timeout;
    for (;;) {
      const view = await this.call<{ status: string }>('GET', `/api/orders/${orderId}`);
      if (view.status === 'ready') break;
      if (view.status !== 'processing' && view.status !== 'draft') {
        throw new Error(`order ${orderId} photo ended as ${view.status}, not ready`);
      }
      if (Date.now() > deadline) throw new Error(`order ${orderId} still ${view.status} after ${timeout} ms`);
      await new Promise((r) => setTimeout(r, 500));
    }
    await this.call('PUT', `/api/orders/${orderId}/applicant`, { ...applicant, consent: true });
    await this.call('POST', `/api/orders/${orderId}/submit`);
  }

  /** The binary at a signed URL (receipt PNG, photo JPEG). */
  async bytes(url: string): Promise<{ status: number; type: string; body: Buffer }> {
    const res = await fetch(this.baseUrl + url, { headers: this.token ? { authorization: `Bearer ${this.token}` } : {} });
    return { status: res.status, type: res.headers.get('content-type') ?? '', body: Buffer.from(await res.arrayBuffer()) };
  }
}

/** The local-mode demo staff accounts the server writes to `<dataDir>/local-staff.txt`. */
export function localStaff(dataDir: string): Record<string, string> {
  return new LocalStaffFile(dataDir).read();
}

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
