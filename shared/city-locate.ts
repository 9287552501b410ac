/**
 * Which city a point is in, without a geocoding service: the point is tested against simplified
 * city outlines (shared/city-geo.ts); outside all of them (a border gap of the ~5 km
 * simplification, the coast, a city newer than the outlines) the nearest centre within
 * NEAREST_CITY_MAX_KM is taken. Imported only by the city page, so the outlines stay out of the
 * main package and the other subpackages.
 */
import { CITY_SHAPE_PRECISION, CITY_SHAPES } from './city-geo';
import { type City, getCity } from './cities';

export interface GeoPoint {
  lng: number;
  lat: number;
}

/** Farther than this from every city centre (abroad, at sea): no guess. */
export const NEAREST_CITY_MAX_KM = 300;

type Ring = readonly (readonly [number, number])[];

/** Google polyline decoding (the generator's encodeRing). */
export function decodeRing(encoded: string, precision = CITY_SHAPE_PRECISION): Ring {
  const out: [number, number][] = [];
  let i = 0;
  let x = 0;
  let y = 0;
  const next = () => {
    let shift = 0;
    let result = 0;
    let byte: number;
    do {
      byte = encoded.charCodeAt(i++) - 63;
      result |= (byte & 0x1f) << shift;
      shift += 5;
    } while (byte >= 0x20);
    return result & 1 ? ~(result >> 1) : result >> 1;
  };
  while (i < encoded.length) {
    x += next();
    y += next();
    out.push([x / precision, y / precision]);
  }
  return out;
}

function inRing(ring: Ring, p: GeoPoint): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > p.lat !== yj > p.lat && p.lng < ((xj - xi) * (p.lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Great-circle distance in km. */
export function distanceKm(a: GeoPoint, b: GeoPoint): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.sqrt(h));
}

interface Shape {
  code: string;
  centre: GeoPoint;
  rings: Ring[];
}

let shapes: Shape[] | null = null;
function allShapes(): Shape[] {
  shapes ??= CITY_SHAPES.map(([code, lng, lat, outlines]) => ({ code, centre: { lng, lat }, rings: outlines.map((o) => decodeRing(o)) }));
  return shapes;
}

/**
 * The city the point lies in, or the one with the nearest centre; null when nothing is near.
 * `among` limits the answer to the cities on offer (a certificate's list).
 */
export function locateCity(point: GeoPoint, among?: readonly City[]): City | null {
  const allowed = among ? new Set(among.map((c) => c.code)) : null;
  const candidates = allShapes().filter((s) => !allowed || allowed.has(s.code));
  const inside = candidates.find((s) => s.rings.some((r) => inRing(r, point)));
  if (inside) return getCity(inside.code) ?? null;
  let best: Shape | null = null;
  let bestKm = Infinity;
  for (const s of candidates) {
    const km = distanceKm(point, s.centre);
    if (km < bestKm) [best, bestKm] = [s, km];
  }
  return best && bestKm <= NEAREST_CITY_MAX_KM ? (getCity(best.code) ?? null) : null;
}
