/**
 * Sessions: a random bearer token is handed out once; only its SHA-256 is stored. Applicants sign
 * in with WeChat (wx.login code → jscode2session → openid); local mode adds nickname login for the
 * h5 demo and development. Staff sign in with a password. A session ends at its expiry
 * (applicants: `sessionDays`; staff: `staffSessionHours`, one shift) or at logout.
 *
 * Who may call what: applicant routes take applicant sessions only (staff get 403
 * APPLICANT_ONLY); review routes reviewers and admins; counter routes counter staff, admins and API
 * keys. No credential is 401; a valid credential of the wrong kind (an API key included) is 403.
 */
import type { MeView, StaffLoginView, StaffRole, UserRole } from '../../../shared/api';
import type { AuthMode } from '../config';
import type { Clock } from '../repositories/clock.repository';
import type { CryptoRepository } from '../repositories/crypto.repository';
import type { SessionUser, UserRepository } from '../repositories/user.repository';
import { ERRCODE, type WeChatApi } from '../wechat/wechat-api';

/** What a bearer token turned out to be. */
export type Caller = { kind: 'session'; user: SessionUser } | { kind: 'api_key'; key: { id: string; name: string } };

/** Who is calling a staff endpoint: a signed-in staff member or the permit platform's key. */
export interface StaffActor {
  type: 'staff' | 'api_key';
  id: string;
  name: string;
  role: UserRole | 'api_key';
}

import { AppError } from './errors';

const BEARER = /^Bearer ([A-Za-z0-9_-]{20,100})$/;

/** What a failed jscode2session means for the person: a stale code, a blocked account, or wait. */
const LOGIN_ERRCODES: Record<number, 'WECHAT_CODE_INVALID' | 'WECHAT_LOGIN_BLOCKED'> = {
  [ERRCODE.codeInvalid]: 'WECHAT_CODE_INVALID',
  [ERRCODE.codeUsed]: 'WECHAT_CODE_INVALID',
  [ERRCODE.loginBlocked]: 'WECHAT_LOGIN_BLOCKED',
};

export interface AuthLogger {
  warn(obj: object, msg: string): void;
}

export class AuthService {
  constructor(
    private readonly deps: {
      users: UserRepository;
      crypto: CryptoRepository;
      clock: Clock;
      authMode: AuthMode;
      sessionDays: number;
      staffSessionHours: number;
      wechat: WeChatApi;
      log: AuthLogger;
    },
  ) {}

  async localLogin(nickname: string): Promise<{ token: string }> {
    const { users, crypto, clock, authMode } = this.deps;
    if (authMode !== 'local') throw new AppError('LOCAL_LOGIN_DISABLED');
    const userId = crypto.newId();
    await users.createUser({ id: userId, nickname, openid: null, createdAt: clock.now().toISOString() });
    return { token: await this.openSession(userId, 'applicant') };
  }

  async wechatLogin(code: string): Promise<{ token: string }> {
    const { users, crypto, clock, wechat, log } = this.deps;
    const session = await wechat.code2Session(code);
    if (!session.ok) {
      const known = session.error.errcode !== undefined ? LOGIN_ERRCODES[session.error.errcode] : undefined;
      log.warn({ failure: session.error.message }, 'WeChat sign-in failed');
      throw new AppError(known ?? 'WECHAT_UNAVAILABLE');
    }
    const user = await users.userForOpenid(session.value.openid, { id: crypto.newId(), nickname: '微信用户', createdAt: clock.now().toISOString() });
    if (user.role !== 'applicant') throw new AppError('FORBIDDEN');
    return { token: await this.openSession(user.userId, user.role) };
  }

  async staffLogin(username: string, password: string): Promise<StaffLoginView> {
    const { users, crypto } = this.deps;
    const staff = await users.findStaff(username);
    // Always one scrypt, found or not: the answer time does not tell which usernames exist.
    const ok = await crypto.verifyPassword(password, staff?.passwordHash ?? null);
    if (!staff || !ok) throw new AppError('BAD_CREDENTIALS');
    const role = staff.role as StaffRole;
    return { token: await this.openSession(staff.userId, role), role, name: staff.name };
  }

  async me(header: string | undefined): Promise<MeView> {
    const user = await this.authenticate(header);
    return { role: user.role, name: user.nickname };
  }

  /** Ends the caller's session: the token answers 401 from now on. API keys are revoked by the
   * admin, not here. */
  async logout(header: string | undefined): Promise<void> {
    await this.authenticate(header);
    // Two logouts at once: the second finds nothing, which is what it wanted.
    await this.deps.users.deleteSession(this.tokenHash(header)!);
  }

  /** The signed-in user, who must have one of `roles` (else 401 without a credential, 403 with
   * one of another kind: `refusal`, FORBIDDEN unless said otherwise). */
  async requireRole(header: string | undefined, roles: readonly UserRole[], refusal: 'FORBIDDEN' | 'APPLICANT_ONLY' = 'FORBIDDEN'): Promise<SessionUser> {
    const caller = await this.identify(header);
    if (!caller) throw new AppError('UNAUTHORIZED');
    if (caller.kind !== 'session' || !roles.includes(caller.user.role)) throw new AppError(refusal);
    return caller.user;
  }

  /** An applicant's session; staff and API keys are told the route is for applicants (403). */
  requireApplicant(header: string | undefined): Promise<SessionUser> {
    return this.requireRole(header, ['applicant'], 'APPLICANT_ONLY');
  }

  /** Counter staff (or admin) by session, or the permit platform by API key. */
  async requireCounter(header: string | undefined): Promise<StaffActor> {
    const caller = await this.identify(header);
    if (!caller) throw new AppError('UNAUTHORIZED');
    if (caller.kind === 'api_key') return { type: 'api_key', id: caller.key.id, name: caller.key.name, role: 'api_key' };
    const user = caller.user;
    if (user.role !== 'counter' && user.role !== 'admin') throw new AppError('FORBIDDEN');
    return { type: 'staff', id: user.userId, name: user.nickname, role: user.role };
  }

  /** A live session or an unrevoked API key behind an `Authorization` header, or null. */
  async identify(header: string | undefined): Promise<Caller | null> {
    const hash = this.tokenHash(header);
    if (!hash) return null;
    const { users, clock } = this.deps;
    const user = await users.findBySession(hash, clock.now().toISOString());
    if (user) return { kind: 'session', user };
    const key = await users.findApiKey(hash);
    return key ? { kind: 'api_key', key } : null;
  }

  /** The stored form of the header's bearer token, or null when there is none. */
  private tokenHash(header: string | undefined): string | null {
    const match = BEARER.exec(header?.trim() ?? '');
    return match ? this.deps.crypto.hashToken(match[1]!) : null;
  }

  /** Applicants stay signed in `sessionDays`; staff one shift (`staffSessionHours`). */
  private async openSession(userId: string, role: UserRole): Promise<string> {
    const { users, crypto, clock, sessionDays, staffSessionHours } = this.deps;
    const now = clock.now();
    const token = crypto.newToken();
    const lifetimeMs = role === 'applicant' ? sessionDays * 86_400_000 : staffSessionHours * 3_600_000;
    const expiresAt = new Date(now.getTime() + lifetimeMs);
    // Sign-ins are rate-limited, so this sweep of run-out sessions stays cheap and rare.
    await users.deleteExpiredSessions(now.toISOString());
    await users.createSession({ tokenHash: crypto.hashToken(token), userId, createdAt: now.toISOString(), expiresAt: expiresAt.toISOString() });
    return token;
  }

  /** Any signed-in person (an API key is not a person: 403). */
  async authenticate(header: string | undefined): Promise<SessionUser> {
    const caller = await this.identify(header);
    if (!caller) throw new AppError('UNAUTHORIZED');
    if (caller.kind !== 'session') throw new AppError('FORBIDDEN');
    return caller.user;
  }
}
