/** `<dataDir>/local-staff.txt`: the local demo accounts' passwords (`username password` lines, 0600). */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export class LocalStaffFile {
  readonly file: string;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, 'local-staff.txt');
  }

  read(): Record<string, string> {
    if (!existsSync(this.file)) return {};
    const out: Record<string, string> = {};
    for (const line of readFileSync(this.file, 'utf8').split('\n')) {
      const [user, password] = line.trim().split(/\s+/);
      if (user && password && !user.startsWith('#')) out[user] = password;
    }
    return out;
  }

  write(entries: Record<string, string>): void {
    const body = ['# local-mode demo staff accounts: username password', ...Object.entries(entries).map(([u, p]) => `${u} ${p}`)].join('\n');
    writeFileSync(this.file, `${body}\n`, { mode: 0o600 });
  }
}
