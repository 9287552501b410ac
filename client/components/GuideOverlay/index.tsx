import { Text, View } from '@tarojs/components';

import type { PhotoSpec } from '@shared/certificates';

import './index.scss';

/** One guide drawn over the photo, in percent of the photo's box (so it scales with any size). */
export interface GuideShape {
  key: string;
  kind: 'band-h' | 'line-h' | 'band-v';
  label: string;
  /** Percent of height from the top (horizontal guides) or of width from the left (vertical). */
  start: number;
  /** Percent of height / width covered (0 for a line). */
  size: number;
}

const pct = (value: number, total: number) => Math.round((value / total) * 10_000) / 100;

/**
 * The spec's guide positions scaled to the photo: the crown-margin band (top of the hair must fall
 * in it), the eye line (a band, or where the spec only sets a limit the line the eyes must stay
 * above) and the face-width band (left and right cheek edges must fall inside the two strips).
 */
export function guideShapes(spec: PhotoSpec): GuideShape[] {
  const { width: w, height: h } = spec;
  const shapes: GuideShape[] = [
    {
      key: 'crown',
      kind: 'band-h',
      label: '头顶',
      start: pct(spec.crownMargin.min, h),
      size: pct(spec.crownMargin.max - spec.crownMargin.min, h),
    },
  ];
  if (spec.eyeLine) {
    if (spec.eyeLine.min > 0) {
      shapes.push({
        key: 'eyes',
        kind: 'band-h',
        label: '眼睛',
        start: pct(spec.eyeLine.min, h),
        size: pct(spec.eyeLine.max - spec.eyeLine.min, h),
      });
    } else {
      shapes.push({ key: 'eyes', kind: 'line-h', label: '眼睛在此线以上', start: pct(spec.eyeLine.max, h), size: 0 });
    }
  }
  // GA 461's band is the face (cheek to cheek); exit-entry's and GA 482's the whole head, ears included.
  const { min, max, quantity } = spec.widthBand;
  const outer = (w - max) / 2;
  const inner = (w - min) / 2;
  shapes.push(
    { key: 'face-left', kind: 'band-v', label: quantity === 'head' ? '头宽' : '脸宽', start: pct(outer, w), size: pct(inner - outer, w) },
    { key: 'face-right', kind: 'band-v', label: '', start: pct(w - inner, w), size: pct(inner - outer, w) },
  );
  return shapes;
}

function styleOf(shape: GuideShape): Record<string, string> {
  if (shape.kind === 'band-v') return { left: `${shape.start}%`, width: `${shape.size}%` };
  return shape.kind === 'line-h' ? { top: `${shape.start}%` } : { top: `${shape.start}%`, height: `${shape.size}%` };
}

/** Guide lines absolutely positioned over a photo; put it inside the box that holds the Image. */
export function GuideOverlay({ spec, visible = true }: { spec: PhotoSpec; visible?: boolean }) {
  if (!visible) return null;
  return (
    <View className="guides" data-testid="guide-overlay">
      {guideShapes(spec).map((shape) => (
        <View
          key={shape.key}
          className={`guides__shape guides__shape--${shape.kind} guides__shape--${shape.key}`}
          data-testid={`guide-${shape.key}`}
          style={styleOf(shape)}
        >
          {shape.label ? <Text className="guides__label">{shape.label}</Text> : null}
        </View>
      ))}
    </View>
  );
}
