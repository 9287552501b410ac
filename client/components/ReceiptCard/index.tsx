import { Image, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useState } from 'react';

import { SAVE_IMAGE_LABEL, saveImage } from '../../platform/save-image';
import { apiUrl } from '../../services/config';
import type { ReceiptInfo } from '../../services/staff-contract';
import { ActionButton } from '../ActionButton';
import { Card } from '../Screen';
import { ErrorText } from '../StateView';

import './index.scss';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Whole days left until `expiresAt` (rounded up; 0 once it has passed). */
export function daysLeft(expiresAt: string, now: number = Date.now()): number {
  const end = new Date(expiresAt).getTime();
  if (Number.isNaN(end)) return 0;
  return Math.max(0, Math.ceil((end - now) / DAY_MS));
}

export function formatDate(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** The approved order's receipt: the image, its number, dates, days left, and save. */
export function ReceiptCard({ receipt, receiptUrl }: { receipt: ReceiptInfo; receiptUrl: string | null }) {
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const left = daysLeft(receipt.expiresAt);
  const state = receipt.usedAt ? `已于 ${formatDate(receipt.usedAt)} 使用` : left > 0 ? `剩余 ${left} 天` : '已过期';

  const save = async () => {
    if (!receiptUrl) return;
    setSaving(true);
    setError(null);
    const result = await saveImage(apiUrl(receiptUrl), `照片回执-${receipt.number}.png`);
    setSaving(false);
    if (result === 'saved') void Taro.showToast({ title: process.env.TARO_ENV === 'h5' ? '已开始下载' : '已保存到相册', icon: 'success' });
    else if (result === 'failed') setError('保存失败,请稍后重试,或长按图片保存');
  };

  return (
    <Card title="数码照片回执">
      {receiptUrl ? (
        <Image className="receipt__img" src={apiUrl(receiptUrl)} mode="widthFix" showMenuByLongpress />
      ) : (
        <Text className="receipt__muted">回执图片生成中,请稍后刷新</Text>
      )}
      <View className="receipt__number-box">
        <Text className="receipt__label">图像号</Text>
        <Text className="receipt__number" selectable userSelect data-testid="receipt-number">
          {receipt.number}
        </Text>
      </View>
      <View className="receipt__row">
        <Text className="receipt__label">签发日期</Text>
        <Text>{formatDate(receipt.issuedAt)}</Text>
      </View>
      <View className="receipt__row">
        <Text className="receipt__label">有效期至</Text>
        <Text>{formatDate(receipt.expiresAt)}</Text>
      </View>
      <Text className={`receipt__countdown ${receipt.usedAt || left === 0 ? 'receipt__countdown--off' : ''}`}>{state}</Text>
      <Text className="receipt__muted">办证时向窗口出示图像号或回执图片,工作人员凭图像号调取照片。</Text>
      <ErrorText message={error} />
      {receiptUrl ? (
        <View className="receipt__actions">
          <ActionButton onClick={save} loading={saving}>
            {SAVE_IMAGE_LABEL}
          </ActionButton>
        </View>
      ) : null}
    </Card>
  );
}
