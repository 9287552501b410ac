import { Text, View } from '@tarojs/components';
import type { ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';

import { SHENZHEN_RESIDENCE_RULES, TALENT_OPTIONS, type TalentKind } from '@shared/eligibility';

import { ActionButton } from '../../../../components/ActionButton';
import { ChoiceGroup, Toggle, type Choice } from '../../../../components/ChoiceGroup';
import { DateField } from '../../../../components/DateField';
import { Card, Screen } from '../../../../components/Screen';
import { ErrorText } from '../../../../components/StateView';
import { go } from '../../../../routes';
import {
  MAX_PERIODS,
  insuranceMonths,
  useEligibilityStore,
  type Period,
  type PeriodPatch,
  type PeriodSection,
} from '../../../../stores/eligibility.store';

import '../../eligibility.scss';

const RULES = SHENZHEN_RESIDENCE_RULES;

const RESIDENCE_CHOICES: readonly Choice<'yes' | 'no'>[] = [
  { value: 'yes', label: '已办理居住登记' },
  { value: 'no', label: '没有办理居住登记' },
];

const INSURANCE_CHOICES: readonly Choice<'yes' | 'no'>[] = [
  { value: 'yes', label: '在深圳缴纳过社保' },
  { value: 'no', label: '没有缴纳' },
];

const NO_TALENT = 'none';
const TALENT_CHOICES: readonly Choice<TalentKind | typeof NO_TALENT>[] = [
  ...TALENT_OPTIONS.map((o) => ({ value: o.kind, label: o.label })),
  { value: NO_TALENT, label: '以上都不是' },
];

const STUDENT_CHOICES: readonly Choice<'yes' | 'no'>[] = [
  { value: 'yes', label: '是' },
  { value: 'no', label: '否' },
];

/** What differs between the two sections answered with periods. */
const SECTIONS = {
  residence: {
    title: '深圳居住登记',
    hint: `即在派出所、社区或网上办理的居住(租房)登记。搬家后重新登记的,两段之间断开不超过 ${RULES.maxGapDays} 天仍算连续居住。`,
    /** The radio group's name and the start of every field's accessible name. */
    subject: '居住登记',
    choices: RESIDENCE_CHOICES,
    mode: 'date',
    ongoingHint: '登记仍然有效',
    addLabel: '添加一段(搬家后重新登记)',
  },
  insurance: {
    title: '深圳社保',
    hint: '养老、医疗、工伤、失业、生育五险中交了任意一种就算。断缴或换过工作的,按实际缴费的月份分几段填写。',
    subject: '社保',
    choices: INSURANCE_CHOICES,
    mode: 'month',
    ongoingHint: '一直交到申请当月',
    addLabel: '添加一段(断缴或换工作后)',
  },
} as const satisfies Record<PeriodSection, unknown>;

interface PeriodEditorProps {
  /** `residence` / `insurance`: field-error keys and test ids. */
  section: PeriodSection;
  period: Period;
  index: number;
  count: number;
  /** Latest start (the application date / month). */
  latestStart: string;
  errors: Record<string, string>;
  onChange: (patch: PeriodPatch) => void;
  onRemove: () => void;
}

/** One 「从…到…(或至今)」 period. Names: `居住登记1开始日期`, `社保2结束月份`, `居住登记1至今`. */
function PeriodEditor({ section, period, index, count, latestStart, errors, onChange, onRemove }: PeriodEditorProps) {
  const { subject, mode, ongoingHint } = SECTIONS[section];
  const n = index + 1;
  const unit = mode === 'date' ? '日期' : '月份';
  const testId = `eligibility-${section}-${n}`;
  return (
    <View className="period" data-testid={testId}>
      <View className="period__head">
        <Text className="period__title">{count > 1 ? `第 ${n} 段` : subject === '社保' ? '缴纳时间' : '登记时间'}</Text>
        {count > 1 ? (
          <View className="period__remove" role="button" aria-label={`删除${subject}第${n}段`} onClick={onRemove}>
            删除
          </View>
        ) : null}
      </View>
      <DateField
        label={`开始${unit}`}
        name={`${subject}${n}开始${unit}`}
        testId={`${testId}-from`}
        mode={mode}
        value={period.from}
        end={latestStart}
        error={errors[`${section}.${index}.from`]}
        onChange={(from) => onChange({ from })}
      />
      <Toggle
        label={`至今(${ongoingHint})`}
        name={`${subject}${n}至今`}
        testId={`${testId}-ongoing`}
        checked={period.ongoing}
        onChange={(ongoing) => onChange({ ongoing })}
      />
      {period.ongoing ? null : (
        <DateField
          label={`结束${unit}`}
          name={`${subject}${n}结束${unit}`}
          testId={`${testId}-to`}
          mode={mode}
          value={period.to}
          start={period.from ?? undefined}
          end={mode === 'month' ? latestStart : undefined}
          error={errors[`${section}.${index}.to`]}
          onChange={(to) => onChange({ to })}
        />
      )}
    </View>
  );
}

interface PeriodCardProps {
  section: PeriodSection;
  has: boolean;
  periods: readonly Period[];
  latestStart: string;
  errors: Record<string, string>;
  /** Shown under the periods (the insurance month count). */
  children?: ReactNode;
}

/** A section: 「已办理 / 没有」, then its periods, its message and 「添加一段」 (up to MAX_PERIODS). */
function PeriodCard({ section, has, periods, latestStart, errors, children }: PeriodCardProps) {
  const { title, hint, subject, choices, addLabel } = SECTIONS[section];
  const { setHas, addPeriod, updatePeriod, removePeriod } = useEligibilityStore(
    useShallow((s) => ({ setHas: s.setHas, addPeriod: s.addPeriod, updatePeriod: s.updatePeriod, removePeriod: s.removePeriod })),
  );
  return (
    <Card title={title}>
      <Text className="eligibility__hint">{hint}</Text>
      <ChoiceGroup
        label={subject}
        testId={`eligibility-${section}`}
        choices={choices}
        selected={has ? 'yes' : 'no'}
        onSelect={(v) => setHas(section, v === 'yes')}
        layout="row"
      />
      {has ? (
        <View>
          {periods.map((period, index) => (
            <PeriodEditor
              key={period.id}
              section={section}
              period={period}
              index={index}
              count={periods.length}
              latestStart={latestStart}
              errors={errors}
              onChange={(patch) => updatePeriod(section, period.id, patch)}
              onRemove={() => removePeriod(section, period.id)}
            />
          ))}
          <ErrorText message={errors[section]} />
          {periods.length < MAX_PERIODS ? (
            <View className="eligibility__add" role="button" onClick={() => addPeriod(section)}>
              {addLabel}
            </View>
          ) : null}
          {children}
        </View>
      ) : null}
    </Card>
  );
}

/** 办证资格自测 (深圳居住证): a few taps, dates picked, answered by the server's rules. */
export default function EligibilityCheckPage() {
  const answers = useEligibilityStore((s) => s.answers);
  const errors = useEligibilityStore((s) => s.fieldErrors);
  const error = useEligibilityStore((s) => s.error);
  const checking = useEligibilityStore((s) => s.status === 'checking');
  const actions = useEligibilityStore(
    useShallow((s) => ({
      setApplicationDate: s.setApplicationDate,
      chooseTalent: s.chooseTalent,
      setStudent: s.setStudent,
      check: s.check,
    })),
  );

  const applicationMonth = answers.applicationDate.slice(0, 7);
  const paidMonths = insuranceMonths(answers).length;

  const submit = async () => {
    if (await actions.check()) go('eligibilityResult');
  };

  return (
    <Screen
      footer={
        <View>
          <ErrorText message={errors.form} />
          <ErrorText message={error} />
          <ActionButton onClick={submit} loading={checking} testId="eligibility-submit">
            查看结果
          </ActionButton>
        </View>
      }
    >
      <Text className="eligibility__lead">
        先花一分钟确认能不能申领深圳居住证:按哪种条件符合、还差什么、哪天起可以办。你的回答只用来计算这一次,不会保存。
      </Text>

      <Card title="申请日期">
        <DateField
          label="按哪天申请"
          name="申请日期"
          testId="eligibility-application-date"
          value={answers.applicationDate}
          error={errors.applicationDate}
          onChange={(date) => {
            if (date) actions.setApplicationDate(date);
          }}
        />
        <Text className="eligibility__hint">默认是今天;想知道将来某一天能不能办,就改成那一天。</Text>
      </Card>

      <PeriodCard
        section="residence"
        has={answers.hasResidence}
        periods={answers.residence}
        latestStart={answers.applicationDate}
        errors={errors}
      />

      <PeriodCard
        section="insurance"
        has={answers.hasInsurance}
        periods={answers.insurance}
        latestStart={applicationMonth}
        errors={errors}
      >
        {paidMonths > 0 ? (
          <Text className="eligibility__hint" data-testid="eligibility-insurance-months">
            {`合计 ${paidMonths} 个月。当月的社保要到下个月才有缴费记录,计算时从下个月起算。`}
          </Text>
        ) : null}
      </PeriodCard>

      <Card title="人才引进条件">
        <Text className="eligibility__hint">符合下面任意一项、并且办了居住登记的,可以直接申领,不看社保。</Text>
        <ChoiceGroup
          label="人才引进条件"
          testId="eligibility-talent"
          choices={TALENT_CHOICES}
          selected={answers.talent ?? NO_TALENT}
          onSelect={(v) => actions.chooseTalent(v === NO_TALENT ? null : v)}
          error={errors.talent}
        />
      </Card>

      <Card title="在校生">
        <Text className="eligibility__question">是否正在深圳接受全日制中高等学历(职业)教育?</Text>
        <ChoiceGroup
          label="在校生"
          testId="eligibility-student"
          choices={STUDENT_CHOICES}
          selected={answers.student ? 'yes' : 'no'}
          onSelect={(v) => actions.setStudent(v === 'yes')}
          layout="row"
          error={errors.student}
        />
      </Card>

      <View className="eligibility__link" role="link" onClick={() => go('eligibilityAbout')}>
        居住证有什么用?
      </View>
    </Screen>
  );
}
