/** Users and their sessions (by token hash). */
import type { AppDb } from '../db/database';

export interface SessionUser {
  userId: string;
  nickname: string;
}

export class UserRepository {
  constructor(private readonly db: AppDb) {}

  async createUser(user: { id: string; nickname: string; openid: string | null; createdAt: string }): Promise<void> {
    await this.db
      .insertInto('users')
      .values({ id: user.id, nickname: user.nickname, openid: user.openid, created_at: user.createdAt })
      .execute();
  }

  async createSession(session: { tokenHash: string; userId: string; createdAt: string; expiresAt: string }): Promise<void> {
    await this.db
      .insertInto('sessions')
      .values({ token_hash: session.tokenHash, user_id: session.userId, created_at: session.createdAt, expires_at: session.expiresAt })
      .execute();
  }

  async findBySession(tokenHash: string, nowIso: string): Promise<SessionUser | undefined> {
    const row = await this.db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .select(['users.id as userId', 'users.nickname as nickname'])
      .where('sessions.token_hash', '=', tokenHash)
      .where('sessions.expires_at', '>', nowIso)
      .executeTakeFirst();
    return row;
  }
}
