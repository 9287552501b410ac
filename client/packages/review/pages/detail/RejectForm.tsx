import { Text, Textarea, View } from '@tarojs/components';
import { useState } from 'react';

import { ActionButton } from '../../../../components/ActionButton';
import { ErrorText } from '../../../../components/StateView';
import { REJECT_REASONS, type RejectBody, type RejectReasonCode } from '../../../../services/staff-contract';

export interface RejectFormProps {
  busy: boolean;
  /** An error from the server (or the store) to show under the form. */
  error: string | null;
  onSubmit: (body: RejectBody) => void;
  onCancel: () => void;
}

/** 不通过: the standard reasons (multi-select, at least one) and an optional note. */
export function RejectForm({ busy, error, onSubmit, onCancel }: RejectFormProps) {
  const [selected, setSelected] = useState<RejectReasonCode[]>([]);
  const [note, setNote] = useState('');
  const [localError, setLocalError] = useState<string | null>(null);

  const toggle = (code: RejectReasonCode) => {
    setLocalError(null);
    setSelected((list) => (list.includes(code) ? list.filter((c) => c !== code) : [...list, code]));
  };

  const submit = () => {
    if (selected.length === 0) {
      setLocalError('请至少选择一项不通过原因');
      return;
    }
    if (selected.includes('other') && !note.trim()) {
      setLocalError('选择“其他”时请填写说明');
      return;
    }
    // Codes in the order of the standard list.
    const reasons = REJECT_REASONS.map((r) => r.code).filter((code) => selected.includes(code));
    const trimmed = note.trim();
    onSubmit(trimmed ? { reasons, note: trimmed } : { reasons });
  };

  return (
    <View className="reject-form" data-testid="reject-form">
      <View className="reasons">
        {REJECT_REASONS.map((reason) => {
          const on = selected.includes(reason.code);
          return (
            <View
              key={reason.code}
              className={`reasons__item ${on ? 'reasons__item--on' : ''}`}
              role="checkbox"
              aria-checked={on}
              onClick={() => toggle(reason.code)}
            >
              <Text>{reason.label}</Text>
            </View>
          );
        })}
      </View>
      <Textarea
        className="reasons__note"
        name="note"
        value={note}
        maxlength={200}
        placeholder="补充说明(选填,申请人可以看到)"
        onInput={(e) => setNote(e.detail.value)}
      />
      <ErrorText message={localError ?? error} />
      <View className="review-actions">
        <ActionButton type="default" onClick={onCancel}>
          取消
        </ActionButton>
        <ActionButton type="warn" loading={busy} onClick={submit}>
          确认不通过
        </ActionButton>
      </View>
    </View>
  );
}
