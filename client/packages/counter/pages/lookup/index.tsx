import { Image, Input, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useState } from 'react';

import { ActionButton } from '../../../../components/ActionButton';
import { formatDate } from '../../../../components/ReceiptCard';
import { Card, Screen } from '../../../../components/Screen';
import { SignOutLink } from '../../../../components/SignOutLink';
import { LoadingState } from '../../../../components/StateView';
import { formatTime } from '../../../../components/StatusTimeline';
import { useRequireStaff } from '../../../../hooks/use-session-gate';
import { ApiError, errorMessage } from '../../../../services/api-error';
import { apiUrl } from '../../../../services/config';
import { RECEIPT_STATUS_LABELS, type ReceiptLookupView } from '../../../../services/staff-contract';
import { receiptService } from '../../../../services/staff.service';
import { useSessionStore } from '../../../../stores/session.store';

import '../../counter.scss';

const COUNTER_ROLES = ['counter', 'admin'] as const;

/** What the counter clerk reads for each receipt error. */
export const RECEIPT_ERROR_MESSAGES: Record<string, string> = {
  INVALID_IMAGE_NUMBER: '图像号格式不正确,请核对回执上的图像号后重新输入',
  RECEIPT_NOT_FOUND: '没有找到这个图像号的回执,请核对后重新输入',
  RECEIPT_USED: '这张回执已经使用过,不能重复使用',
  RECEIPT_EXPIRED: '这张回执已过期,请申请人重新办理',
};

function receiptError(error: unknown): string {
  if (error instanceof ApiError && RECEIPT_ERROR_MESSAGES[error.code]) return RECEIPT_ERROR_MESSAGES[error.code]!;
  return errorMessage(error);
}

function Row({ label, value }: { label: string; value: string }) {
  return (
    <View className="counter__row">
      <Text className="counter__label">{label}</Text>
      <Text>{value}</Text>
    </View>
  );
}

/** 窗口查询: look a receipt up by its image number, see the photo and whether it can be used. */
export default function CounterLookupPage() {
  const allowed = useRequireStaff(COUNTER_ROLES);
  const name = useSessionStore((s) => s.nickname);
  const [number, setNumber] = useState('');
  const [receipt, setReceipt] = useState<ReceiptLookupView | null>(null);
  const [busy, setBusy] = useState<'lookup' | 'use' | null>(null);
  const [message, setMessage] = useState<string | null>(null);

  const lookup = async () => {
    const value = number.trim().toUpperCase();
    if (!value) {
      setMessage('请输入回执上的图像号');
      return;
    }
    setBusy('lookup');
    setMessage(null);
    setReceipt(null);
    try {
      setReceipt(await receiptService.get(value));
    } catch (error) {
      setMessage(receiptError(error));
    } finally {
      setBusy(null);
    }
  };

  const markUsed = async () => {
    if (!receipt) return;
    const { confirm } = await Taro.showModal({
      title: '标记已使用',
      content: `确认图像号 ${receipt.number} 已用于办证?标记后这张回执不能再次使用。`,
      confirmText: '确认使用',
      cancelText: '取消',
    });
    if (!confirm) return;
    setBusy('use');
    setMessage(null);
    try {
      setReceipt(await receiptService.use(receipt.number));
      void Taro.showToast({ title: '已标记使用', icon: 'success' });
    } catch (error) {
      setMessage(receiptError(error));
      // Show the receipt as it is now (e.g. someone else just used it).
      receiptService.get(receipt.number).then(setReceipt, () => {});
    } finally {
      setBusy(null);
    }
  };

  if (!allowed) return <Screen><LoadingState /></Screen>;

  return (
    <Screen>
      <View className="counter__head">
        <Text>{name ? `窗口:${name}` : '窗口查询'}</Text>
        <SignOutLink className="counter__link" />
      </View>
      <Card title="按图像号查询回执">
        <View className="counter__search">
          <View className="counter__field">
            <Input
              className="counter__input"
              name="imageNumber"
              value={number}
              maxlength={32}
              placeholder="输入回执上的图像号"
              onInput={(e) => {
                const upper = e.detail.value.toUpperCase();
                setNumber(upper);
                return upper;
              }}
              onConfirm={() => void lookup()}
            />
          </View>
          <ActionButton onClick={lookup} loading={busy === 'lookup'}>
            查询
          </ActionButton>
        </View>
        {message ? (
          <View className="counter__message" role="alert">
            {message}
          </View>
        ) : null}
      </Card>

      {busy === 'lookup' ? <LoadingState text="查询中…" /> : null}

      {receipt ? (
        <Card title={`图像号 ${receipt.number}`}>
          <Text className={`counter__status counter__status--${receipt.status}`}>{RECEIPT_STATUS_LABELS[receipt.status]}</Text>
          {receipt.photoUrl ? (
            <Image className="counter__photo" src={apiUrl(receipt.photoUrl)} mode="aspectFit" />
          ) : (
            <Text className="counter__label">照片不可用</Text>
          )}
          <Row label="回执类别" value={`${receipt.group} 类 · ${receipt.groupName}`} />
          <Row label="适用证件" value={receipt.certificates.join('、')} />
          <Row label="城市" value={receipt.cityName} />
          <Row label="签发日期" value={formatDate(receipt.issuedAt)} />
          <Row label="有效期至" value={formatDate(receipt.expiresAt)} />
          {receipt.usedAt ? <Row label="使用时间" value={formatTime(receipt.usedAt)} /> : null}
          <View className="counter__actions">
            {receipt.status === 'valid' ? (
              <ActionButton onClick={markUsed} loading={busy === 'use'}>
                标记已使用
              </ActionButton>
            ) : (
              <ActionButton disabled disabledReason={receipt.status === 'used' ? '这张回执已使用' : '这张回执已过期'}>
                标记已使用
              </ActionButton>
            )}
          </View>
        </Card>
      ) : null}
    </Screen>
  );
}
