/** The batch command line, run as other tools run it: a child process, JSON on stdout, exit codes. */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readJpegHeader } from './support/verify-output';

const root = fileURLToPath(new URL('../..', import.meta.url));
const fixture = (name: string) => path.join(root, 'server/test/fixtures/photos', name);

function photo(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('npx', ['tsx', 'server/src/photo/cli.ts', ...args], { cwd: root, maxBuffer: 10 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('npm run -s photo', () => {
  it('writes the ID photo and prints one JSON report; exit 0 when accepted', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'photo-cli-'));
    const out = path.join(dir, 'id.jpg');
    const { code, stdout } = await photo(['--cert', 'resident_id', '--out', out, fixture('deepface-img10.jpg')]);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const report = JSON.parse(lines[0]!);
    expect(report).toMatchObject({ ok: true, cert: 'resident_id', failures: [], input: fixture('deepface-img10.jpg') });
    expect(Object.keys(report)).toEqual(expect.arrayContaining(['checks', 'output', 'geometry', 'timingsMs']));
    const header = await readJpegHeader(readFileSync(out));
    expect([header.width, header.height]).toEqual([358, 441]);
  });

  it('processes a batch into --out-dir with one report per line; exit 1 when any is rejected', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'photo-cli-'));
    const inputs = [fixture('deepface-img10.jpg'), fixture('deepface-couple.jpg'), fixture('hivision-test2.jpg')];
    const { code, stdout } = await photo(['--cert', 'passport', '--out-dir', dir, ...inputs]);
    expect(code).toBe(1);
    const reports = stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(reports.map((r) => r.input)).toEqual(inputs);
    expect(reports.map((r) => r.ok)).toEqual([true, false, true]);
    expect(reports[1].failures).toEqual(['MULTIPLE_FACES']);
    expect(readdirSync(dir).sort()).toEqual(['deepface-img10.jpg', 'hivision-test2.jpg']);
  });

  it('--background light_blue composites the same matte on light blue', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'photo-cli-'));
    const out = path.join(dir, 'blue.jpg');
    const { code, stdout } = await photo(['--cert', 'resident_id', '--background', 'light_blue', '--out', out, fixture('hivision-test1.jpg')]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).output.background).toEqual({ name: '浅蓝色', rgb: [142, 197, 240] });
    const { decodeRgb } = await import('./support/face-api');
    const img = await decodeRgb(readFileSync(out));
    const i = (3 * img.width + 3) * 3; // the top-left corner is background
    const [r, g, b] = [img.data[i]!, img.data[i + 1]!, img.data[i + 2]!];
    expect(Math.abs(r - 142) + Math.abs(g - 197) + Math.abs(b - 240)).toBeLessThanOrEqual(12);
  });

  it('exit 2 for usage errors and unreadable arguments', async () => {
    const garbage = path.join(mkdtempSync(path.join(os.tmpdir(), 'photo-cli-')), 'x.jpg');
    writeFileSync(garbage, 'not a photo');
    const cases = [
      ['--out', '/tmp/x.jpg', garbage],
      ['--cert', 'nope', garbage],
      ['--cert', 'passport'],
      ['--cert', 'passport', '--out', '/tmp/x.jpg', garbage, garbage],
      ['--cert', 'passport', '/no/such/file.jpg'],
      ['--cert', 'passport', '--background', 'red', garbage],
    ];
    for (const args of cases) {
      const { code, stderr } = await photo(args);
      expect(code, args.join(' ')).toBe(2);
      expect(stderr).toMatch(/usage:/);
    }
    // A readable file that is no image is a rejected input, not a usage error.
    const { code, stdout } = await photo(['--cert', 'passport', garbage]);
    expect(code).toBe(1);
    expect(JSON.parse(stdout).failures).toEqual(['INPUT_UNREADABLE']);
  });
});
