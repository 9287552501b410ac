/**
 * Staff accounts and API keys (the admin CLI), and the local-mode demo accounts: one reviewer and
 * one counter, created on first start with random passwords kept in `<dataDir>/local-staff.txt`.
 */
import type { StaffRole } from '../../../shared/api';
import type { Clock } from '../repositories/clock.repository';
import type { CryptoRepository } from '../repositories/crypto.repository';
import type { LocalStaffFile } from '../repositories/local-staff.repository';
import type { UserRepository } from '../repositories/user.repository';

export const STAFF_ROLES: readonly StaffRole[] = ['reviewer', 'counter', 'admin'];

export class StaffService {
  constructor(private readonly deps: { users: UserRepository; crypto: CryptoRepository; clock: Clock }) {}

  /** Creates a staff account and returns its generated password; null when the name is taken. */
  async addUser(role: StaffRole, name: string): Promise<string | null> {
    const { users, crypto, clock } = this.deps;
    if (!STAFF_ROLES.includes(role)) throw new Error(`role must be one of ${STAFF_ROLES.join(', ')}`);
    if (!/^[\p{L}\p{N}_.-]{1,40}$/u.test(name)) throw new Error('name: 1–40 letters, digits, _ . -');
    const password = crypto.newPassword();
    const created = await users.createStaff({
      id: crypto.newId(),
      username: name,
      role,
      passwordHash: await crypto.hashPassword(password),
      createdAt: clock.now().toISOString(),
    });
    return created ? password : null;
  }

  /** A new API key for the permit platform; only its SHA-256 is stored. */
  async addKey(name: string): Promise<string> {
    const { users, crypto, clock } = this.deps;
    const key = crypto.newApiKey();
    await users.createApiKey({ id: crypto.newId(), name, keyHash: crypto.hashToken(key), createdAt: clock.now().toISOString() });
    return key;
  }

  /** Local mode: the demo reviewer and counter (created once); their credentials, for the log. */
  async seedLocal(file: LocalStaffFile): Promise<{ username: string; role: StaffRole; password: string }[]> {
    const known = file.read();
    const out: { username: string; role: StaffRole; password: string }[] = [];
    for (const role of ['reviewer', 'counter'] as const) {
      const password = await this.addUser(role, role);
      if (password) {
        known[role] = password;
        file.write(known);
      }
      if (known[role]) out.push({ username: role, role, password: known[role] });
    }
    return out;
  }
}
