// @vitest-environment node
/**
 * The real weapp build: the app and its first page load under a small WeChat host (wx, App, Page,
 * Component in a vm), the home page registers and renders its text, and the main package stays
 * under WeChat's budget.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

import { CITY_SHAPES } from '@shared/city-geo';

import { createWeappHost, textsOf } from './weapp-shim';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DIST = path.join(ROOT, 'dist/weapp');
const MAIN_PACKAGE_LIMIT = 1.5 * 1024 * 1024;

function newestSourceMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === 'test' || entry.name === 'node_modules') continue;
      newest = Math.max(newest, newestSourceMtime(full));
    } else if (!/\.test\.tsx?$/.test(entry.name)) {
      newest = Math.max(newest, fs.statSync(full).mtimeMs);
    }
  }
  return newest;
}

function ensureFreshBuild(): void {
  const app = path.join(DIST, 'app.js');
  const sources = Math.max(...['client', 'shared', 'config'].map((d) => newestSourceMtime(path.join(ROOT, d))));
  if (fs.existsSync(app) && fs.statSync(app).mtimeMs > sources) return;
  execFileSync('npm', ['run', 'build:weapp'], { cwd: ROOT, stdio: 'pipe', env: { ...process.env, NODE_ENV: 'production' } });
}

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(full) : [full];
  });
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

describe('weapp build', () => {
  let appJson: {
    pages: string[];
    subPackages?: { root: string; pages: string[] }[];
    tabBar?: { list: { pagePath: string; text: string; iconPath: string; selectedIconPath: string }[] };
  };

  beforeAll(() => {
    ensureFreshBuild();
    appJson = JSON.parse(fs.readFileSync(path.join(DIST, 'app.json'), 'utf8'));
  }, 180_000);

  it('declares the home page first, the tab pages in the main package and every other page in a subpackage that was emitted', () => {
    expect(appJson.pages).toEqual(['pages/index/index', 'pages/orders/index', 'pages/service/index']);
    // The bottom tab bar: 首页 · 订单 · 客服, each icon emitted and small (WeChat: ≤ 40 KB).
    expect(appJson.tabBar?.list.map((t) => [t.pagePath, t.text])).toEqual([
      ['pages/index/index', '首页'],
      ['pages/orders/index', '订单'],
      ['pages/service/index', '客服'],
    ]);
    for (const tab of appJson.tabBar?.list ?? []) {
      for (const icon of [tab.iconPath, tab.selectedIconPath]) {
        const file = path.join(DIST, icon);
        expect(fs.existsSync(file), icon).toBe(true);
        expect(fs.statSync(file).size).toBeLessThan(40 * 1024);
      }
    }
    const roots = (appJson.subPackages ?? []).map((p) => p.root);
    expect(roots).toEqual(expect.arrayContaining(['packages/apply', 'packages/orders', 'packages/account']));
    for (const pkg of appJson.subPackages ?? []) {
      for (const page of pkg.pages) {
        for (const ext of ['js', 'json', 'wxml']) {
          expect(fs.existsSync(path.join(DIST, pkg.root, `${page}.${ext}`)), `${pkg.root}/${page}.${ext}`).toBe(true);
        }
      }
    }
  });

  it('registers the app and the first page, which renders the home screen', async () => {
    const host = createWeappHost(DIST);
    host.load('app.js');
    expect(host.appDefinition).not.toBeNull();
    const onLaunch = host.appDefinition!.onLaunch as (o: unknown) => void;
    onLaunch.call(host.appDefinition, { path: 'pages/index/index', query: {}, scene: 1001 });

    host.load('pages/index/index.js');
    expect([...host.pageDefinitions.keys()]).toEqual(['pages/index/index']);
    const page = host.openPage('pages/index/index');
    await settle();

    const texts = textsOf(page.data.root);
    expect(texts).toContain('照片回执');
    for (const button of ['回执办理', '拍摄指南', '我的订单']) expect(texts).toContain(button);

    // At launch the mini-program signs in with WeChat silently and asks for the client config.
    expect(host.logins).toBe(1);
    expect(host.requests).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ url: expect.stringMatching(/\/api\/auth\/wechat$/), method: 'POST', data: { code: 'host-code' } }),
        expect.objectContaining({ url: expect.stringMatching(/\/api\/client-config$/), method: 'GET' }),
      ]),
    );
  });

  it('keeps the main package (everything outside subpackage roots) within 1.5 MB', () => {
    const roots = (appJson.subPackages ?? []).map((p) => path.join(DIST, p.root) + path.sep);
    const main = filesUnder(DIST).filter((f) => !roots.some((r) => f.startsWith(r)));
    const bytes = main.reduce((sum, f) => sum + fs.statSync(f).size, 0);
    expect(main.some((f) => f.endsWith(path.join('pages', 'index', 'index.js')))).toBe(true);
    expect(bytes).toBeGreaterThan(50 * 1024); // a real build, not an empty folder
    expect(bytes).toBeLessThanOrEqual(MAIN_PACKAGE_LIMIT);
    console.log(`weapp main package: ${(bytes / 1024).toFixed(1)} KiB`);
  });

  it('keeps the city list out of the main package, and the city outlines in the city page only', () => {
    const roots = (appJson.subPackages ?? []).map((p) => path.join(DIST, p.root) + path.sep);
    const js = filesUnder(DIST).filter((f) => f.endsWith('.js'));
    const holding = (marker: string) => js.filter((f) => fs.readFileSync(f, 'utf8').includes(marker)).map((f) => path.relative(DIST, f));
    // A pinyin of the generated list (shared/city-data.ts) and a piece of an encoded outline (shared/city-geo.ts).
    const listFiles = holding("'wuzhishan'").concat(holding('"wuzhishan"'));
    const outline = CITY_SHAPES[0][3][0].slice(0, 16);
    expect(listFiles.length).toBeGreaterThan(0);
    expect(listFiles.every((f) => roots.some((r) => path.join(DIST, f).startsWith(r))), listFiles.join(', ')).toBe(true);
    expect(holding(outline)).toEqual([path.join('packages', 'apply', 'pages', 'city', 'index.js')]);
  });
});
