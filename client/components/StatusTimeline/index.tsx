import { Text, View } from '@tarojs/components';

import type { HistoryEntry } from '@shared/api';
import { STATUS_LABELS } from '@shared/order-machine';

import './index.scss';

const ACTOR_LABELS: Record<string, string> = {
  applicant: '本人',
  system: '系统',
  reviewer: '审核员',
  staff: '窗口',
};

export function formatTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The order's history, newest first. */
export function StatusTimeline({ history }: { history: readonly HistoryEntry[] }) {
  const entries = [...history].reverse();
  return (
    <View className="timeline">
      {entries.map((entry, index) => (
        <View key={`${entry.at}-${index}`} className={`timeline__item ${index === 0 ? 'timeline__item--current' : ''}`}>
          <View className="timeline__dot" />
          <View className="timeline__content">
            <Text className="timeline__status">{STATUS_LABELS[entry.to] ?? entry.to}</Text>
            <Text className="timeline__meta">
              {formatTime(entry.at)} · {ACTOR_LABELS[entry.actor] ?? entry.actor}
            </Text>
            {entry.note ? <Text className="timeline__note">{entry.note}</Text> : null}
          </View>
        </View>
      ))}
    </View>
  );
}
