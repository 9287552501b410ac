/**
 * The request a piece of work belongs to, without passing it through every call: the API sets
 * it per request (app.ts, an onRequest hook), and whatever runs inside — a service queuing a job,
 * a repository writing a row — can read it. A job runner can set it around a job from the id
 * stored with the job (`runWithRequestId`), so the job's work is tied to the request that asked.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';

const context = new AsyncLocalStorage<{ requestId: string }>();

/** The id of the request being served (or the job's request), or null outside one. */
export function currentRequestId(): string | null {
  return context.getStore()?.requestId ?? null;
}

/** Runs `fn` as part of request `requestId` (null: outside any request, e.g. a sweep's job). */
export function runWithRequestId<T>(requestId: string | null, fn: () => T): T {
  return requestId ? context.run({ requestId }, fn) : fn();
}

/** What we take from a load balancer's X-Request-Id: short, printable, no spaces or quotes. */
const INCOMING_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

/** proxy-addr's names for address ranges, as TRUST_PROXY may use them. */
const NAMED_RANGES: Record<string, [string, number, 'ipv4' | 'ipv6'][]> = {
  loopback: [['127.0.0.0', 8, 'ipv4'], ['::1', 128, 'ipv6']],
  linklocal: [['169.254.0.0', 16, 'ipv4'], ['fe80::', 10, 'ipv6']],
  uniquelocal: [['10.0.0.0', 8, 'ipv4'], ['172.16.0.0', 12, 'ipv4'], ['192.168.0.0', 16, 'ipv4'], ['fc00::', 7, 'ipv6']],
};

/**
 * Whether a peer may name the request id: the same peers TRUST_PROXY trusts for
 * X-Forwarded-For (`true`: every peer; a list of addresses, CIDRs or proxy-addr's names; off:
 * nobody, since anyone could then plant ids in our logs).
 */
export function trustedPeer(trustProxy: boolean | string): (address: string | undefined) => boolean {
  if (trustProxy === true) return () => true;
  if (trustProxy === false) return () => false;
  const list = new BlockList();
  for (const entry of trustProxy.split(',').map((s) => s.trim()).filter(Boolean)) {
    const named = NAMED_RANGES[entry];
    if (named) {
      for (const [net, bits, type] of named) list.addSubnet(net, bits, type);
      continue;
    }
    const [address, bits] = entry.split('/') as [string, string | undefined];
    const type = isIP(address) === 6 ? 'ipv6' : isIP(address) === 4 ? 'ipv4' : null;
    if (!type) continue; // a hop count or something proxy-addr knows and we do not: not trusted here
    if (bits === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(bits), type);
  }
  return (address) => {
    if (!address) return false;
    const plain = address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
    const type = isIP(plain) === 6 ? 'ipv6' : 'ipv4';
    return list.check(plain, type);
  };
}

/** fastify's genReqId: a trusted proxy's X-Request-Id when it looks like one, else a new UUID. */
export function requestIdGenerator(trustProxy: boolean | string): (req: IncomingMessage) => string {
  const trusted = trustedPeer(trustProxy);
  return (req) => {
    const incoming = req.headers['x-request-id'];
    if (typeof incoming === 'string' && INCOMING_ID.test(incoming) && trusted(req.socket.remoteAddress)) return incoming;
    return randomUUID();
  };
}
