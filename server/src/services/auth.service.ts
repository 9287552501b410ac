/**
 * Sessions: a random bearer token is handed out once; only its SHA-256 is stored. Applicants sign
 * in with WeChat (wx.login code → jscode2session → openid); local mode adds nickname login for the
 * h5 demo and development. Staff sign in with a password.
 */
import type { MeView, StaffLoginView, StaffRole, UserRole } from '../../../shared/api';
import type { AuthMode } from '../config';
import type { Clock } from '../repositories/clock.repository';
import type { CryptoRepository } from '../repositories/crypto.repository';
import type { SessionUser, UserRepository } from '../repositories/user.repository';
import type { WeChatApi } from '../wechat/wechat-api';

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
  40029: 'WECHAT_CODE_INVALID',
  40163: 'WECHAT_CODE_INVALID',
  40226: 'WECHAT_LOGIN_BLOCKED',
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
      wechat: WeChatApi;
      log: AuthLogger;
    },
  ) {}

  async localLogin(nickname: string): Promise<{ token: string }> {
    const { users, crypto, clock, authMode } = this.deps;
    if (authMode !== 'local') throw new AppError('LOCAL_LOGIN_DISABLED');
    const now = clock.now();
    const userId = crypto.newId();
    await users.createUser({ id: userId, nickname, openid: null, createdAt: now.toISOString() });
    return { token: await this.openSession(userId, now) };
  }

  async wechatLogin(code: string): Promise<{ token: string }> {
    const { users, crypto, clock, wechat, log } = this.deps;
    const session = await wechat.code2Session(code);
    if (!session.ok) {
      const known = session.error.errcode !== undefined ? LOGIN_ERRCODES[session.error.errcode] : undefined;
      log.warn({ failure: session.error.message }, 'WeChat sign-in failed');
      throw new AppError(known ?? 'WECHAT_UNAVAILABLE');
    }
    const now = clock.now();
    const user = await users.userForOpenid(session.value.openid, { id: crypto.newId(), nickname: '微信用户', createdAt: now.toISOString() });
    if (user.role !== 'applicant') throw new AppError('FORBIDDEN');
    return { token: await this.openSession(user.userId, now) };
  }

  async staffLogin(username: string, password: string): Promise<StaffLoginView> {
    const { users, crypto, clock } = this.deps;
    const staff = await users.findStaff(username);
    // Always one scrypt, found or not: the answer time does not tell which usernames exist.
    const ok = await crypto.verifyPassword(password, staff?.passwordHash ?? null);
    if (!staff || !ok) throw new AppError('BAD_CREDENTIALS');
    return { token: await this.openSession(staff.userId, clock.now()), role: staff.role as StaffRole, name: staff.name };
  }

  async me(header: string | undefined): Promise<MeView> {
    const user = await this.authenticate(header);
    return { role: user.role, name: user.nickname };
  }

  /** The signed-in user, who must have one of `roles` (else 401 without a session, 403 with one). */
  async requireRole(header: string | undefined, roles: readonly UserRole[]): Promise<SessionUser> {
    const user = await this.authenticate(header);
    if (!roles.includes(user.role)) throw new AppError('FORBIDDEN');
    return user;
  }

  /** Counter staff (or admin) by session, or the permit platform by API key. */
  async requireCounter(header: string | undefined): Promise<StaffActor> {
    const user = await this.userFromHeader(header);
    if (user) {
      if (user.role !== 'counter' && user.role !== 'admin') throw new AppError('FORBIDDEN');
      return { type: 'staff', id: user.userId, name: user.nickname, role: user.role };
    }
    const match = BEARER.exec(header?.trim() ?? '');
    if (match) {
      const key = await this.deps.users.findApiKey(this.deps.crypto.hashToken(match[1]!));
      if (key) return { type: 'api_key', id: key.id, name: key.name, role: 'api_key' };
    }
    throw new AppError('UNAUTHORIZED');
  }

  private async openSession(userId: string, now: Date): Promise<string> {
    const { users, crypto, sessionDays } = this.deps;
    const token = crypto.newToken();
    const expiresAt = new Date(now.getTime() + sessionDays * 86_400_000);
    await users.createSession({ tokenHash: crypto.hashToken(token), userId, createdAt: now.toISOString(), expiresAt: expiresAt.toISOString() });
    return token;
  }

  /** The user behind an `Authorization` header value, or null. */
  async userFromHeader(header: string | undefined): Promise<SessionUser | null> {
    const match = BEARER.exec(header?.trim() ?? '');
    if (!match) return null;
    const { users, crypto, clock } = this.deps;
    return (await users.findBySession(crypto.hashToken(match[1]!), clock.now().toISOString())) ?? null;
  }

  async authenticate(header: string | undefined): Promise<SessionUser> {
    const user = await this.userFromHeader(header);
    if (!user) throw new AppError('UNAUTHORIZED');
    return user;
  }
}
