import { Input, Text, View } from '@tarojs/components';
import { useState } from 'react';

import { ApplicantBody } from '@shared/api';

import { ActionButton } from '../ActionButton';
import { ErrorText } from '../StateView';

import './index.scss';

type Field = 'name' | 'idNumber' | 'phone';

export interface ApplicantFormProps {
  /** Consent was given on the consent step; the schema requires it again, as the server does. */
  consent: boolean;
  submitting?: boolean;
  /** Field messages from the server (VALIDATION_FAILED). */
  serverErrors?: Record<string, string>;
  /** Its promise keeps 保存并继续 busy until the save has answered. */
  onSubmit: (body: ApplicantBody) => void | Promise<unknown>;
}

const FIELDS: { key: Field; label: string; placeholder: string; type: 'text' | 'idcard' | 'number'; maxlength: number }[] = [
  { key: 'name', label: '姓名', placeholder: '与身份证一致的姓名', type: 'text', maxlength: 30 },
  { key: 'idNumber', label: '身份证号', placeholder: '18 位身份证号码', type: 'idcard', maxlength: 18 },
  { key: 'phone', label: '手机号', placeholder: '11 位手机号码', type: 'number', maxlength: 11 },
];

/** Validated with the API's own schema, so the messages are exactly the server's. */
export function ApplicantForm({ consent, submitting = false, serverErrors = {}, onSubmit }: ApplicantFormProps) {
  const [values, setValues] = useState<Record<Field, string>>({ name: '', idNumber: '', phone: '' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [touched, setTouched] = useState(false);

  const handleSubmit = () => {
    setTouched(true);
    const result = ApplicantBody.safeParse({ ...values, consent });
    if (!result.success) {
      const next: Record<string, string> = {};
      for (const issue of result.error.issues) {
        const key = String(issue.path[0] ?? 'form');
        next[key] ??= issue.message;
      }
      setErrors(next);
      return;
    }
    setErrors({});
    return onSubmit({ ...result.data, consent: true });
  };

  const shown = touched ? { ...serverErrors, ...errors } : serverErrors;

  return (
    <View className="applicant-form">
      {FIELDS.map((field) => (
        <View key={field.key} className={`form-field ${shown[field.key] ? 'form-field--error' : ''}`}>
          <Text className="form-field__label">{field.label}</Text>
          <Input
            className="form-field__input"
            name={field.key}
            type={field.type}
            maxlength={field.maxlength}
            placeholder={field.placeholder}
            value={values[field.key]}
            onInput={(e) => {
              const value = e.detail.value;
              setValues((v) => ({ ...v, [field.key]: value }));
              if (errors[field.key]) setErrors(({ [field.key]: _, ...rest }) => rest);
            }}
          />
          <ErrorText message={shown[field.key]} />
        </View>
      ))}
      <ErrorText message={shown.consent} />
      <View className="applicant-form__privacy">
        <Text>身份证号加密保存,页面与订单中只显示部分号码。</Text>
      </View>
      <ActionButton onClick={handleSubmit} loading={submitting}>
        保存并继续
      </ActionButton>
    </View>
  );
}
