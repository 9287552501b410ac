/**
 * Hair-edge compositing and the halo measure on a drawn edge: dark-brown hair (alpha 1) beside a
 * blue wall, with a strip between them where the matte is unsure. What is in the strip decides
 * what the finished photo must show there.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { processPhoto } from '../src/photo/engine';
import { compositeOnBackground, EDGE_HALO_MAX, edgeHalo } from '../src/photo/matting';

type Rgb = [number, number, number];
const HAIR: Rgb = [60, 40, 30];
const WALL: Rgb = [90, 140, 200];
const WHITE: Rgb = [255, 255, 255];
const W = 96;
const H = 96;
/** The unsure strip: columns 40–47; hair to its left, wall from column 48. */
const STRIP = [40, 48] as const;

/** Hair | strip | wall, with `strip` giving the strip's colour and alpha per row. */
function edge(strip: (y: number) => { rgb: Rgb; alpha: number } | null) {
  const rgb = new Uint8Array(W * H * 3);
  const alpha = new Float32Array(W * H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const inStrip = x >= STRIP[0] && x < STRIP[1] ? strip(y) : null;
      const px = inStrip ?? (x < STRIP[0] ? { rgb: HAIR, alpha: 1 } : { rgb: WALL, alpha: 0 });
      rgb.set(px.rgb, (y * W + x) * 3);
      alpha[y * W + x] = px.alpha;
    }
  }
  return { rgb, alpha };
}

const at = (img: Uint8Array, x: number, y: number): Rgb => [img[(y * W + x) * 3]!, img[(y * W + x) * 3 + 1]!, img[(y * W + x) * 3 + 2]!];
const distance = (a: Rgb, b: Rgb) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
const mix = (a: Rgb, b: Rgb, t: number): Rgb => [0, 1, 2].map((c) => a[c]! * t + b[c]! * (1 - t)) as Rgb;

describe('compositeOnBackground', () => {
  it('a matte that overshot into the wall leaves white there, not a blue rim', () => {
    // Rows 24–71 of the strip: wall colour the guided filter still gave alpha 0.7.
    const { rgb, alpha } = edge((y) => (y >= 24 && y < 72 ? { rgb: WALL, alpha: 0.7 } : null));
    const out = compositeOnBackground(rgb, alpha, W, H, WHITE);
    // Faded by alpha alone it would be 0.7·wall + 0.3·white, 123 from white.
    expect(distance(at(out, 44, 48), WHITE)).toBeLessThan(10);
    expect(at(out, 20, 48)).toEqual(HAIR); // the hair itself is untouched
    expect(at(out, 70, 48)).toEqual(WHITE);
  });

  it('a real mix of hair and wall keeps its hair share, blended onto white', () => {
    const { rgb, alpha } = edge((y) => (y >= 24 && y < 72 ? { rgb: mix(HAIR, WALL, 0.5), alpha: 0.5 } : null));
    const out = compositeOnBackground(rgb, alpha, W, H, WHITE);
    expect(distance(at(out, 44, 48), mix(HAIR, WHITE, 0.5))).toBeLessThan(8);
  });

  it('a pixel that is no mix of the two (a pale gold earring in the soft edge) keeps its colour', () => {
    // Its position on the wall→hair line is ≈ 0, so only its distance from that line keeps the
    // matte's alpha: judged by position alone it would be let go as wall.
    const gold: Rgb = [240, 230, 120];
    const { rgb, alpha } = edge((y) => (y >= 24 && y < 72 ? { rgb: gold, alpha: 0.45 } : null));
    const out = compositeOnBackground(rgb, alpha, W, H, WHITE);
    const [, , blue] = at(out, 44, 48);
    // Whitened it would read 255; kept, the gold's missing blue shows.
    expect(blue).toBeLessThan(200);
  });
});

describe('edgeHalo', () => {
  it('reads a rim of the old wall outside the person, and nothing on a clean edge', () => {
    const { alpha } = edge(() => null);
    const clean = new Uint8Array(W * H * 3).fill(255);
    const rimmed = new Uint8Array(W * H * 3).fill(255);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const i = (y * W + x) * 3;
        if (x < STRIP[0]) {
          clean.set(HAIR, i);
          rimmed.set(HAIR, i);
        } else if (x < STRIP[0] + 3) rimmed.set(mix(WALL, WHITE, 0.7), i);
      }
    }
    expect(edgeHalo(clean, alpha, W, H, WHITE)).toBe(0);
    expect(edgeHalo(rimmed, alpha, W, H, WHITE)).toBeGreaterThan(EDGE_HALO_MAX);
  });
});

describe('on real portraits', () => {
  const photos = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/photos');
  // A blue-wall rim (57 before the round-4 compositing) and dark hair on a dark wall (74).
  it.each(['deepface-img24.jpg', 'deepface-img47.jpg'])('%s: no EDGE_HALO warning', async (name) => {
    const { report } = await processPhoto(readFileSync(path.join(photos, name)), 'resident_id');
    const halo = report.checks.find((c) => c.code === 'EDGE_HALO')!;
    expect(halo.pass).toBe(true);
    expect(halo.value).toBeLessThanOrEqual(EDGE_HALO_MAX);
  });
});
