import { Text, View } from '@tarojs/components';

import { ErrorText } from '../StateView';
import type { DateFieldProps } from './types';

import './index.scss';

export type { DateFieldProps } from './types';

/**
 * h5: the browser's own date / month input (a calendar on phones and desktops; `fill('2025-03-01')`
 * in a browser test). Its accessible name is `name`; `testId` is both `data-testid` and `name`.
 */
export function DateField({
  label,
  name,
  mode = 'date',
  value,
  start,
  end,
  placeholder,
  error,
  testId,
  onChange,
}: DateFieldProps): JSX.Element {
  return (
    <View className={`date-field ${error ? 'date-field--error' : ''}`}>
      <View className="date-field__row">
        <Text className="date-field__label">{label}</Text>
        <input
          className="date-field__input"
          type={mode}
          name={testId}
          aria-label={name}
          aria-invalid={error ? true : undefined}
          data-testid={testId}
          // Browsers without a month picker show a text box: the placeholder says the format.
          placeholder={placeholder ?? (mode === 'month' ? '例如 2025-03' : '例如 2025-03-01')}
          value={value ?? ''}
          min={start}
          max={end}
          onChange={(e) => onChange(e.target.value === '' ? null : e.target.value)}
        />
      </View>
      <ErrorText message={error} />
    </View>
  );
}
