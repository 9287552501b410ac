/**
 * Batch command line for photo studios and other tools:
 *   npm run -s photo -- --cert <code> --out <file.jpg> <input>
 *   npm run -s photo -- --cert <code> --out-dir <dir> <input> [<input> …]
 *   add --print 6inch to write, instead of the photo, a sheet of copies with cut marks for a
 *   6-inch (4R) photo print (1205×1795 px, 300 dpi; see print-sheet.ts)
 *   add --background light_blue for an office that asks for another colour than the default
 *   white (shared/photo-background.ts; the same matte, composited on that colour)
 * Prints one JSON report per input (one line each, with `input` = the path as given; with --print
 * also `print`: the sheet's size, copies and pixels).
 * Exit 0: every input accepted; 1: any rejected; 2: usage error or unreadable argument.
 */
import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CERT_CODES, getCertificate, isCertCode, type CertCode } from '../../../shared/certificates';
import { BACKGROUNDS, isBackgroundKey, type PhotoBackground } from '../../../shared/photo-background';
import type { PhotoReport } from '../../../shared/photo-report';
import type { EngineResult } from './engine';
import { isPrintSheetCode, PRINT_SHEETS, type PrintSheetCode } from './print-sheet';

const USAGE = `usage: npm run -s photo -- --cert <${CERT_CODES.join('|')}> (--out <file.jpg> <input> | --out-dir <dir> <input>...) [--print ${Object.keys(PRINT_SHEETS).join('|')}] [--background ${Object.keys(BACKGROUNDS).join('|')}]`;

class UsageError extends Error {}

interface Job {
  input: string;
  out: string | null;
}

function parse(argv: string[]): { cert: CertCode; jobs: Job[]; concurrency?: number; print?: PrintSheetCode; background: PhotoBackground } {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        cert: { type: 'string' },
        out: { type: 'string' },
        'out-dir': { type: 'string' },
        concurrency: { type: 'string' },
        print: { type: 'string' },
        background: { type: 'string', default: 'white' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) throw new UsageError('');
  if (!values.cert) throw new UsageError('--cert is required');
  if (!isCertCode(values.cert)) throw new UsageError(`unknown certificate "${values.cert}"`);
  if (positionals.length === 0) throw new UsageError('no input given');
  if (values.out && values['out-dir']) throw new UsageError('use either --out or --out-dir');
  if (values.out && positionals.length > 1) throw new UsageError('--out takes one input; use --out-dir for several');
  const concurrency = values.concurrency ? Number(values.concurrency) : undefined;
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1)) throw new UsageError('--concurrency takes a whole number ≥ 1');
  const print = values.print;
  if (print !== undefined && !isPrintSheetCode(print)) throw new UsageError(`unknown print size "${print}" (${Object.keys(PRINT_SHEETS).join(', ')})`);
  if (print !== undefined && !values.out && !values['out-dir']) throw new UsageError('--print needs --out or --out-dir for the sheet');
  const background = values.background!;
  if (!isBackgroundKey(background)) throw new UsageError(`unknown background "${background}" (${Object.keys(BACKGROUNDS).join(', ')})`);
  const outDir = values['out-dir'];
  const jobs = positionals.map((input) => ({
    input,
    out: values.out ?? (outDir ? path.join(outDir, `${path.parse(input).name}.jpg`) : null),
  }));
  return { cert: values.cert, jobs, concurrency, print, background: BACKGROUNDS[background] };
}

async function main(): Promise<number> {
  let options;
  try {
    options = parse(process.argv.slice(2));
    for (const job of options.jobs) {
      await access(job.input).catch(() => {
        throw new UsageError(`cannot read input "${job.input}"`);
      });
    }
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    if (err.message) process.stderr.write(`photo: ${err.message}\n`);
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const { cert, jobs, print, background } = options;
  const outDirs = new Set(jobs.flatMap((j) => (j.out ? [path.dirname(j.out)] : [])));
  for (const dir of outDirs) await mkdir(dir, { recursive: true });

  // One input runs in this process; a batch fans out over a worker pool, one engine per core.
  let processOne: (input: Buffer) => Promise<EngineResult>;
  let inFlight = 1;
  let close = async () => {};
  if (jobs.length === 1) {
    const { processPhoto } = await import('./engine');
    processOne = (input) => processPhoto(input, cert, { background });
  } else {
    const { PhotoPool } = await import('./pool');
    const pool = new PhotoPool({ size: options.concurrency });
    processOne = (input) => pool.process(input, cert, background);
    close = () => pool.close();
    // Enough queued to keep every worker busy, few enough that a studio's batch of thousands
    // is never read into memory at once.
    inFlight = pool.size * 2;
  }
  const makeSheet = print ? (await import('../services/print-sheet.service')).makePrintSheet : null;
  const run = async (job: Job) => {
    const { report, jpeg } = await processOne(await readFile(job.input));
    if (!jpeg || !job.out) return { input: job.input, ...report } satisfies PhotoReport & { input: string };
    if (!makeSheet || !print) {
      await writeFile(job.out, jpeg);
      return { input: job.input, ...report };
    }
    const sheet = await makeSheet(jpeg, getCertificate(cert).spec, print);
    await writeFile(job.out, sheet.jpeg);
    const { layout } = sheet;
    const printInfo = { size: print, width: layout.width, height: layout.height, dpi: layout.sheet.dpi, copies: layout.copies, photoMm: layout.photoMm };
    return { input: job.input, ...report, print: printInfo };
  };

  let rejected = false;
  const running = jobs.slice(0, inFlight).map(run);
  try {
    // Reports are printed in input order; each one printed lets the next input start.
    for (let i = 0; i < jobs.length; i++) {
      const report = await running[i]!;
      if (i + inFlight < jobs.length) running.push(run(jobs[i + inFlight]!));
      if (!report.ok) rejected = true;
      process.stdout.write(`${JSON.stringify(report)}\n`);
    }
  } finally {
    await close();
  }
  return rejected ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`photo: ${(err as Error).stack ?? err}\n`);
    process.exitCode = 2;
  },
);
