/** Users (applicants and staff), their sessions (by token hash) and API keys (by key hash). */
import type { UserRole } from '../../../shared/api';
import type { AppDb } from '../db/database';

export interface SessionUser {
  userId: string;
  nickname: string;
  role: UserRole;
}

export interface StaffRecord {
  userId: string;
  username: string;
  name: string;
  role: UserRole;
  passwordHash: string | null;
}

export class UserRepository {
  constructor(private readonly db: AppDb) {}

  async createUser(user: { id: string; nickname: string; openid: string | null; createdAt: string }): Promise<void> {
    await this.db
      .insertInto('users')
      .values({ id: user.id, nickname: user.nickname, openid: user.openid, created_at: user.createdAt, role: 'applicant', username: null, password_hash: null })
      .execute();
  }

  /** The applicant with this openid, created on first sign-in (two sign-ins at once make one). */
  async userForOpenid(openid: string, create: { id: string; nickname: string; createdAt: string }): Promise<SessionUser> {
    await this.db
      .insertInto('users')
      .values({ id: create.id, nickname: create.nickname, openid, created_at: create.createdAt, role: 'applicant', username: null, password_hash: null })
      .onConflict((oc) => oc.column('openid').doNothing())
      .execute();
    const row = await this.db.selectFrom('users').select(['id', 'nickname', 'role']).where('openid', '=', openid).executeTakeFirstOrThrow();
    return { userId: row.id, nickname: row.nickname, role: row.role as UserRole };
  }

  /** False when the username is taken. */
  async createStaff(user: { id: string; username: string; role: UserRole; passwordHash: string; createdAt: string }): Promise<boolean> {
    const result = await this.db
      .insertInto('users')
      .values({
        id: user.id,
        nickname: user.username,
        openid: null,
        created_at: user.createdAt,
        role: user.role,
        username: user.username,
        password_hash: user.passwordHash,
      })
      .onConflict((oc) => oc.column('username').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
  }

  async findStaff(username: string): Promise<StaffRecord | undefined> {
    const row = await this.db
      .selectFrom('users')
      .select(['id', 'username', 'nickname', 'role', 'password_hash'])
      .where('username', '=', username)
      .where('role', '!=', 'applicant')
      .executeTakeFirst();
    return row ? { userId: row.id, username: row.username!, name: row.nickname, role: row.role as UserRole, passwordHash: row.password_hash } : undefined;
  }

  async setPassword(userId: string, passwordHash: string): Promise<void> {
    await this.db.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', userId).execute();
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
      .select(['users.id as userId', 'users.nickname as nickname', 'users.role as role'])
      .where('sessions.token_hash', '=', tokenHash)
      .where('sessions.expires_at', '>', nowIso)
      .executeTakeFirst();
    return row ? { userId: row.userId, nickname: row.nickname, role: row.role as UserRole } : undefined;
  }

  /** Signs one session out; false when there was none. */
  async deleteSession(tokenHash: string): Promise<boolean> {
    const result = await this.db.deleteFrom('sessions').where('token_hash', '=', tokenHash).executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }

  /** Forgets sessions that ran out (they already answer 401; this keeps the table small). */
  async deleteExpiredSessions(nowIso: string): Promise<number> {
    const result = await this.db.deleteFrom('sessions').where('expires_at', '<=', nowIso).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async names(userIds: readonly string[]): Promise<Map<string, string>> {
    if (userIds.length === 0) return new Map();
    const rows = await this.db.selectFrom('users').select(['id', 'nickname']).where('id', 'in', [...userIds]).execute();
    return new Map(rows.map((r) => [r.id, r.nickname]));
  }

  async createApiKey(key: { id: string; name: string; keyHash: string; createdAt: string }): Promise<void> {
    await this.db.insertInto('api_keys').values({ id: key.id, name: key.name, key_hash: key.keyHash, created_at: key.createdAt, revoked_at: null }).execute();
  }

  async findApiKey(keyHash: string): Promise<{ id: string; name: string } | undefined> {
    return this.db.selectFrom('api_keys').select(['id', 'name']).where('key_hash', '=', keyHash).where('revoked_at', 'is', null).executeTakeFirst();
  }
}
