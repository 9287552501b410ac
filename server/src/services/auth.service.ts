/**
 * Sessions: a random bearer token is handed out once; only its SHA-256 is stored. Local mode
 * (nickname login) is for development and the h5 demo; WeChat login (issue 4) will create users
 * with an openid and reuse the same sessions.
 */
import type { AuthMode } from '../config';
import type { Clock } from '../repositories/clock.repository';
import type { CryptoRepository } from '../repositories/crypto.repository';
import type { SessionUser, UserRepository } from '../repositories/user.repository';
import { AppError } from './errors';

export class AuthService {
  constructor(
    private readonly deps: {
      users: UserRepository;
      crypto: CryptoRepository;
      clock: Clock;
      authMode: AuthMode;
      sessionDays: number;
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

  private async openSession(userId: string, now: Date): Promise<string> {
    const { users, crypto, sessionDays } = this.deps;
    const token = crypto.newToken();
    const expiresAt = new Date(now.getTime() + sessionDays * 86_400_000);
    await users.createSession({ tokenHash: crypto.hashToken(token), userId, createdAt: now.toISOString(), expiresAt: expiresAt.toISOString() });
    return token;
  }

  /** The user behind an `Authorization` header value, or null. */
  async userFromHeader(header: string | undefined): Promise<SessionUser | null> {
    const match = /^Bearer ([A-Za-z0-9_-]{20,100})$/.exec(header?.trim() ?? '');
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
