/**
 * A small WeChat mini-program host for Node: loads the built `dist/weapp` app and page scripts in a
 * vm context with `wx`, `App`, `Page`, `Component` and `require`, as the WeChat runtime would.
 */
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';

export interface PageInstance {
  data: Record<string, unknown>;
  setData: (patch: Record<string, unknown>, cb?: () => void) => void;
  route: string;
  options: Record<string, string>;
  [key: string]: unknown;
}

export interface WeappHost {
  appDefinition: Record<string, unknown> | null;
  pageDefinitions: Map<string, Record<string, unknown>>;
  components: Record<string, unknown>[];
  load: (file: string) => void;
  /** Creates a page instance from its definition and runs onLoad/onShow/onReady. */
  openPage: (route: string) => PageInstance;
  /** Every wx.request the app made (none is answered: the host has no server). */
  requests: { url: string; method?: string; data?: unknown }[];
  /** How many times the app called wx.login (answered with the code `host-code`). */
  logins: number;
}

function setPath(target: Record<string, unknown>, key: string, value: unknown) {
  // setData keys may be paths: `root.cn.[0].v`, `root.cn[0]`.
  const parts = key.replace(/\[(\d+)\]/g, '.$1').split('.').filter(Boolean);
  let node: Record<string, unknown> = target;
  for (let i = 0; i < parts.length - 1; i++) {
    const part = parts[i]!;
    if (typeof node[part] !== 'object' || node[part] === null) node[part] = /^\d+$/.test(parts[i + 1]!) ? [] : {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]!] = value;
}

export function createWeappHost(root: string): WeappHost {
  const host: WeappHost = {
    appDefinition: null,
    pageDefinitions: new Map(),
    components: [],
    load,
    openPage,
    requests: [],
    logins: 0,
  };
  const storage = new Map<string, unknown>();
  const pages: PageInstance[] = [];
  let lastPageRoute = '';
  let appInstance: Record<string, unknown> = {};

  const noop = () => {};
  const wx: Record<string, unknown> = {
    getSystemInfoSync: () => ({
      platform: 'devtools',
      windowWidth: 375,
      windowHeight: 667,
      screenWidth: 375,
      screenHeight: 667,
      pixelRatio: 2,
      SDKVersion: '3.6.0',
      version: '8.0.50',
      language: 'zh_CN',
    }),
    getWindowInfo: () => ({ windowWidth: 375, windowHeight: 667, screenWidth: 375, screenHeight: 667, pixelRatio: 2 }),
    getAppBaseInfo: () => ({ SDKVersion: '3.6.0', language: 'zh_CN', version: '8.0.50' }),
    getDeviceInfo: () => ({ platform: 'devtools' }),
    getStorageSync: (key: string) => storage.get(key) ?? '',
    setStorageSync: (key: string, value: unknown) => void storage.set(key, value),
    removeStorageSync: (key: string) => void storage.delete(key),
    getMenuButtonBoundingClientRect: () => ({ top: 24, height: 32, right: 365, width: 87 }),
    nextTick: (fn: () => void) => setTimeout(fn, 0),
    onAppShow: noop,
    onAppHide: noop,
    canIUse: () => true,
    login: (options: { success?: (r: unknown) => void; complete?: (r: unknown) => void }) => {
      host.logins++;
      const result = { code: 'host-code', errMsg: 'login:ok' };
      setTimeout(() => {
        options.success?.(result);
        options.complete?.(result);
      }, 0);
    },
    request: (options: { url: string; method?: string; data?: unknown }) => {
      host.requests.push({ url: options.url, method: options.method, data: options.data });
      return { abort: noop, onHeadersReceived: noop, offHeadersReceived: noop };
    },
  };
  const wxProxy = new Proxy(wx, {
    // Any wx API the runtime probes but this host does not model is a no-op function; plain data
    // slots the bundles create themselves (webpackJsonp) start undefined.
    get: (target, prop: string) => (prop in target ? target[prop] : prop === 'webpackJsonp' ? undefined : noop),
  });

  const context = vm.createContext({
    wx: wxProxy,
    console,
    setTimeout,
    clearTimeout,
    setInterval,
    clearInterval,
    Promise,
    App: (definition: Record<string, unknown>) => {
      host.appDefinition = definition;
      appInstance = Object.create(definition) as Record<string, unknown>;
    },
    Page: (definition: Record<string, unknown>) => {
      host.pageDefinitions.set(lastPageRoute, definition);
    },
    Component: (definition: Record<string, unknown>) => {
      host.components.push(definition);
    },
    Behavior: (definition: unknown) => definition,
    getApp: () => appInstance,
    getCurrentPages: () => pages,
    requirePlugin: () => ({}),
  });
  context.global = context;
  context.globalThis = context;

  function makeRequire(fromDir: string) {
    return (request: string) => {
      let file = path.resolve(fromDir, request);
      if (!file.endsWith('.js')) file += '.js';
      runFile(file);
      return {};
    };
  }

  const loaded = new Set<string>();
  function runFile(file: string) {
    if (loaded.has(file)) return;
    loaded.add(file);
    const code = fs.readFileSync(file, 'utf8');
    const wrapped = `(function (require, module, exports) {${code}\n})`;
    const fn = vm.runInContext(wrapped, context, { filename: file }) as (r: unknown, m: unknown, e: unknown) => void;
    const module = { exports: {} };
    fn(makeRequire(path.dirname(file)), module, module.exports);
  }

  function load(relative: string) {
    if (relative.startsWith('pages/') || relative.startsWith('packages/')) lastPageRoute = relative.replace(/\.js$/, '');
    runFile(path.join(root, relative));
  }

  function openPage(route: string): PageInstance {
    const definition = host.pageDefinitions.get(route);
    if (!definition) throw new Error(`page ${route} did not register`);
    const instance = Object.create(definition) as PageInstance;
    instance.data = JSON.parse(JSON.stringify(definition.data ?? {})) as Record<string, unknown>;
    instance.route = route;
    instance.options = {};
    instance.setData = (patch, cb) => {
      for (const [key, value] of Object.entries(patch)) setPath(instance.data, key, value);
      cb?.();
    };
    instance.selectComponent = () => null;
    instance.createSelectorQuery = () => ({});
    pages.push(instance);
    const call = (name: string, ...args: unknown[]) => {
      const fn = instance[name];
      if (typeof fn === 'function') (fn as (...a: unknown[]) => unknown).apply(instance, args);
    };
    call('onLoad', {});
    call('onShow');
    call('onReady');
    return instance;
  }

  return host;
}

/** Every text node of a Taro weapp render tree (`root.cn[].v` holds text). */
export function textsOf(node: unknown): string[] {
  if (!node || typeof node !== 'object') return [];
  const out: string[] = [];
  const n = node as { v?: unknown; cn?: unknown[] };
  if (typeof n.v === 'string') out.push(n.v);
  for (const child of n.cn ?? []) out.push(...textsOf(child));
  return out;
}
