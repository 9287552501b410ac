import { Text, View } from '@tarojs/components';

import type { PhotoSpec } from '@shared/certificates';
import { CHECK_CODES } from '@shared/check-codes';
import type { PhotoReport } from '@shared/photo-report';

import './index.scss';

/** One highlighted box over the photo, in percent of the photo's box. */
export interface RegionBox {
  code: string;
  title: string;
  severity: 'block' | 'warn';
  left: number;
  top: number;
  width: number;
  height: number;
}

const pct = (value: number, total: number) => Math.round((value / total) * 10_000) / 100;

/** The boxes of the checks that failed and say where (reviewer-rule checks), scaled to the photo. */
export function regionBoxes(report: PhotoReport | null, spec: Pick<PhotoSpec, 'width' | 'height'>): RegionBox[] {
  if (!report) return [];
  return report.checks
    .filter((c) => !c.pass && c.region && c.region.width > 0 && c.region.height > 0)
    .map((c) => ({
      code: c.code,
      title: CHECK_CODES[c.code]?.title ?? c.code,
      severity: c.severity,
      left: pct(c.region!.x, spec.width),
      top: pct(c.region!.y, spec.height),
      width: pct(c.region!.width, spec.width),
      height: pct(c.region!.height, spec.height),
    }));
}

/** Highlighted boxes with the check's title; put it inside the box that holds the photo. */
export function RegionOverlay({ report, spec }: { report: PhotoReport | null; spec: Pick<PhotoSpec, 'width' | 'height'> }) {
  const boxes = regionBoxes(report, spec);
  if (boxes.length === 0) return null;
  return (
    <View className="regions" data-testid="region-overlay">
      {boxes.map((b) => (
        <View
          key={b.code}
          className={`regions__box regions__box--${b.severity}`}
          data-testid={`region-${b.code}`}
          style={{ left: `${b.left}%`, top: `${b.top}%`, width: `${b.width}%`, height: `${b.height}%` }}
        >
          <Text className="regions__label">{b.title}</Text>
        </View>
      ))}
    </View>
  );
}
