import { Picker, Text, View } from '@tarojs/components';

import { ErrorText } from '../StateView';
import { displayValue, type DateFieldProps } from './types';

import './index.scss';

export type { DateFieldProps } from './types';

/**
 * A date or month, picked with WeChat's own wheel (`Picker mode="date"`, `fields="month"` for
 * months): nothing is typed. The h5 build uses the browser's date input instead (index.h5.tsx).
 */
export function DateField({
  label,
  name,
  mode = 'date',
  value,
  start,
  end,
  placeholder = '请选择',
  error,
  testId,
  onChange,
}: DateFieldProps): JSX.Element {
  return (
    <View className={`date-field ${error ? 'date-field--error' : ''}`}>
      <Picker
        mode="date"
        fields={mode === 'month' ? 'month' : 'day'}
        // The wheel opens on the value, else on the latest allowed choice (today for most fields).
        value={value ?? end ?? ''}
        start={start}
        end={end}
        onChange={(e) => onChange(e.detail.value)}
      >
        <View className="date-field__row" role="button" aria-label={name} data-testid={testId}>
          <Text className="date-field__label">{label}</Text>
          <Text className={`date-field__value ${value ? '' : 'date-field__value--empty'}`}>
            {value ? displayValue(value, mode) : placeholder}
          </Text>
          <Text className="date-field__arrow">›</Text>
        </View>
      </Picker>
      <ErrorText message={error} />
    </View>
  );
}
