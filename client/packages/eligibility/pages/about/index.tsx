import { Text, View } from '@tarojs/components';
import { useState } from 'react';

import {
  SHENZHEN_RESIDENCE_RULES,
  daysBetween,
  formatChineseDate,
  renewalStatus,
  renewalWindow,
} from '@shared/eligibility';

import { DateField } from '../../../../components/DateField';
import { EligibilityCheckLink } from '../../../../components/EligibilityReminder';
import { Card, Screen } from '../../../../components/Screen';
import { localDate } from '../../../../stores/eligibility.store';

import '../../eligibility.scss';

/** What a holder can do in Shenzhen with the permit (from the regulations, in our words). */
const USES: readonly string[] = [
  '考机动车驾驶证,给车辆办理注册登记(上牌)和年检',
  '办理普通护照、港澳通行证、台湾通行证,以及办理签注',
  '申请职业技能培训补贴和职业技能鉴定补贴',
  '享受基本公共卫生服务',
  '享受计划生育方面的基本服务',
  '免费做婚前健康检查',
  '申请基本殡葬服务补贴',
  '开具居住证明,以及和身份有关的其他证明',
  '市政府规定的其他权益',
];

const MORE: readonly string[] = ['公共文化', '就业扶持', '基本公共教育', '社会救助', '住房保障'];

function RenewalCalculator() {
  const [expiry, setExpiry] = useState<string | null>(null);
  const today = localDate();
  const renewal = expiry ? renewalWindow(expiry) : null;
  const status = expiry ? renewalStatus(expiry, today) : null;

  return (
    <View className="renewal">
      <DateField
        label="有效期至"
        name="居住证有效期至"
        testId="renewal-expiry"
        value={expiry}
        placeholder="选择居住证上的到期日"
        onChange={setExpiry}
      />
      {renewal && status ? (
        <View className="renewal__result">
          <Text className="renewal__window" data-testid="renewal-window">
            {`${formatChineseDate(renewal.opensOn)} 起可以续期,最晚 ${formatChineseDate(renewal.lastDay)}`}
          </Text>
          <Text className={`renewal__status renewal__status--${status}`} data-testid="renewal-status">
            {status === 'too_early'
              ? `还没到续期时间,再过 ${daysBetween(today, renewal.opensOn)} 天就可以办了。`
              : status === 'open'
                ? '现在就在续期时间内,请尽快办理。'
                : '已经过了有效期,这张居住证已失效,需要重新申领。'}
          </Text>
        </View>
      ) : null}
    </View>
  );
}

/** 「居住证有什么用」: what the permit opens up, and when to renew it. */
export default function EligibilityAboutPage() {
  return (
    <Screen>
      <Card title="持证可以在深圳办的事">
        {USES.map((use) => (
          <Text key={use} className="about__item">
            · {use}
          </Text>
        ))}
      </Card>
      <Card title="住得越久,能享受的越多">
        <Text className="about__text">
          {`在深圳居住、工作和参加社保的年限达到规定后,持证人还能按规定享受${MORE.join('、')}等方面的权益。`}
        </Text>
        <Text className="about__text">年限达到市政府规定的入户条件时,可以申请落户,转为深圳户籍。</Text>
      </Card>
      <Card title="记得按时续期">
        <Text className="about__text">
          {`居住证到期前 ${SHENZHEN_RESIDENCE_RULES.renewalDaysBeforeExpiry} 天之内可以申请续期;过了有效期还没续的,居住证会自动失效,只能重新申领。`}
        </Text>
        <Text className="about__text about__text--muted">选一下你的居住证到期日,算算哪天可以去续:</Text>
        <RenewalCalculator />
      </Card>
      <EligibilityCheckLink text="还没有居住证?做个办证资格自测" />
    </Screen>
  );
}
