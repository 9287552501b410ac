/**
 * The admin CLI (`npm run -s admin -- …`), on the same DATA_DIR as the server:
 *   add-user --role <reviewer|counter|admin> --name <n>   prints the generated password (last line)
 *   add-key --name <n>                                    prints an API key for the permit platform
 */
import { parseArgs } from 'node:util';
import type { StaffRole } from '../../shared/api';
import { loadConfig } from './config';
import { openDatabase } from './db/database';
import { systemClock } from './repositories/clock.repository';
import { CryptoRepository } from './repositories/crypto.repository';
import { UserRepository } from './repositories/user.repository';
import { STAFF_ROLES, StaffService } from './services/staff.service';

const USAGE = `usage:
  npm run -s admin -- add-user --role <reviewer|counter|admin> --name <name>
  npm run -s admin -- add-key --name <name>`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const { values } = parseArgs({ args: rest, options: { role: { type: 'string' }, name: { type: 'string' } }, strict: true });
  if ((command !== 'add-user' && command !== 'add-key') || !values.name) {
    console.error(USAGE);
    return 2;
  }
  const config = loadConfig();
  const db = await openDatabase({ dataDir: config.dataDir, databaseUrl: config.databaseUrl, poolMax: 2 });
  try {
    const staff = new StaffService({ users: new UserRepository(db), crypto: new CryptoRepository(config.encryptionKey), clock: systemClock });
    if (command === 'add-user') {
      const role = values.role as StaffRole;
      if (!STAFF_ROLES.includes(role)) {
        console.error(`--role must be one of: ${STAFF_ROLES.join(', ')}\n${USAGE}`);
        return 2;
      }
      const password = await staff.addUser(role, values.name);
      if (!password) {
        console.error(`a user named "${values.name}" already exists`);
        return 1;
      }
      console.log(`created ${role} "${values.name}"; password (shown once):`);
      console.log(password);
    } else {
      const key = await staff.addKey(values.name);
      console.log(`API key for "${values.name}" (shown once; send as Authorization: Bearer <key>):`);
      console.log(key);
    }
    return 0;
  } finally {
    await db.destroy();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);
