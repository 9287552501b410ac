import { Text, View } from '@tarojs/components';

import { ErrorText } from '../StateView';

import './index.scss';

export interface Choice<T extends string> {
  value: T;
  label: string;
}

export interface ChoiceGroupProps<T extends string> {
  /** The question, as the group's accessible name (居住登记, 在校生…). */
  label: string;
  choices: readonly Choice<T>[];
  selected: T | null;
  onSelect: (value: T) => void;
  /** `row` for two short answers (是 / 否), `column` for a list. */
  layout?: 'row' | 'column';
  error?: string | null;
  /** `data-testid` of the group; each choice gets `<testId>-<value>`. */
  testId?: string;
}

/** Single choice as tappable rows: role="radiogroup" with role="radio" items (names = their text). */
export function ChoiceGroup<T extends string>({
  label,
  choices,
  selected,
  onSelect,
  layout = 'column',
  error,
  testId,
}: ChoiceGroupProps<T>): JSX.Element {
  return (
    <View className="choice-group-wrap">
      <View className={`choice-group choice-group--${layout}`} role="radiogroup" aria-label={label} data-testid={testId}>
        {choices.map((choice) => {
          const on = choice.value === selected;
          return (
            <View
              key={choice.value}
              className={`choice ${on ? 'choice--on' : ''}`}
              role="radio"
              aria-checked={on}
              data-testid={testId ? `${testId}-${choice.value}` : undefined}
              onClick={() => onSelect(choice.value)}
            >
              {/* Drawn with CSS, no glyph: the radio's name is its label alone. */}
              <View className="choice__mark">{on ? <View className="choice__dot" /> : null}</View>
              <Text className="choice__label">{choice.label}</Text>
            </View>
          );
        })}
      </View>
      <ErrorText message={error} />
    </View>
  );
}

export interface ToggleProps {
  /** Visible text. */
  label: string;
  /** Accessible name when the text alone is not unique on the page (居住登记1至今). */
  name?: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  testId?: string;
}

/** A tick box (role="checkbox"), e.g. 「至今」. */
export function Toggle({ label, name, checked, onChange, testId }: ToggleProps): JSX.Element {
  return (
    <View
      className={`toggle ${checked ? 'toggle--on' : ''}`}
      role="checkbox"
      aria-checked={checked}
      aria-label={name}
      data-testid={testId}
      onClick={() => onChange(!checked)}
    >
      <View className="toggle__box">{checked ? <View className="toggle__tick" /> : null}</View>
      <Text className="toggle__label">{label}</Text>
    </View>
  );
}
