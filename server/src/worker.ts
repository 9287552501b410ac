/** `npm run worker`: runs the jobs (see roles.ts); scale these separately from the API. */
import { loadConfigOrExit, startWorker } from './roles';

await startWorker(loadConfigOrExit());
