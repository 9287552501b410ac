import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';

import { getCity } from '@shared/cities';
import {
  ELIGIBILITY_ROUTES,
  RESIDENCE_PERMIT,
  ROUTE_LABELS,
  SHENZHEN_CITY_CODE,
  formatChineseDate,
  type EligibilityVerdict,
  type OrderEligibility,
} from '@shared/eligibility';

import { ActionButton } from '../../../../components/ActionButton';
import { AboutPermitLink, DocumentList, routeNames } from '../../../../components/EligibilityReminder';
import { Card, Screen } from '../../../../components/Screen';
import { EmptyState } from '../../../../components/StateView';
import { openSignedIn } from '../../../../hooks/use-session-gate';
import { ROUTES, replace } from '../../../../routes';
import { orderEligibilityOf, useEligibilityStore } from '../../../../stores/eligibility.store';
import { useOrderStore } from '../../../../stores/order.store';

import '../../eligibility.scss';

/** Back to the questionnaire with the answers as they were (it is the page below, normally). */
function editAnswers(): void {
  const pages = typeof Taro.getCurrentPages === 'function' ? Taro.getCurrentPages() : [];
  const below = pages.length > 1 ? pages[pages.length - 2] : undefined;
  const belowRoute = below ? `/${String(below.route ?? '').replace(/^\//, '')}` : '';
  if (belowRoute === ROUTES.eligibilityCheck) void Taro.navigateBack();
  else replace('eligibilityCheck');
}

function UnmetByRoute({ verdict }: { verdict: EligibilityVerdict }) {
  return (
    <View>
      {ELIGIBILITY_ROUTES.map((route) => {
        const unmet = verdict.unmet.filter((u) => u.route === route);
        if (unmet.length === 0) return null;
        return (
          <Card key={route} title={`按「${ROUTE_LABELS[route]}」申领还差`}>
            <View data-testid={`eligibility-unmet-${route}`}>
              {unmet.map((u) => (
                <Text key={u.reason} className="verdict__unmet">
                  · {u.message}
                </Text>
              ))}
            </View>
          </Card>
        );
      })}
    </View>
  );
}

/** The self-check's answer: eligible (routes, what to bring) or not (what is missing, from when). */
export default function EligibilityResultPage() {
  const result = useEligibilityStore((s) => s.result);
  const presetDraft = useOrderStore((s) => s.presetDraft);

  if (!result) {
    return (
      <Screen>
        <EmptyState text="还没有自测结果,请先回答几个问题" action="开始自测" onAction={() => replace('eligibilityCheck')} />
      </Screen>
    );
  }

  const { verdict, request } = result;
  const applyOn = formatChineseDate(request.applicationDate);

  /** Into the photo flow with 居住证 and 深圳 chosen; only an eligible result travels with the order. */
  const makeReceipt = (eligibility: OrderEligibility | null) => {
    presetDraft({ certType: RESIDENCE_PERMIT, cityCode: SHENZHEN_CITY_CODE, eligibility });
    void openSignedIn('city');
  };

  if (verdict.eligible) {
    const eligibility = orderEligibilityOf(result);
    return (
      <Screen
        footer={
          <View>
            <ActionButton onClick={() => makeReceipt(eligibility)} testId="eligibility-continue">
              办理居住证照片回执
            </ActionButton>
            <ActionButton type="default" onClick={editAnswers}>
              修改回答
            </ActionButton>
          </View>
        }
      >
        <View className="verdict verdict--ok" data-testid="eligibility-verdict">
          <Text className="verdict__headline">符合申领条件</Text>
          <Text className="verdict__text">{`按你的回答,${applyOn}可以申领深圳居住证。`}</Text>
        </View>
        <Card title="符合的条件">
          <View data-testid="eligibility-routes">
            {(eligibility ? routeNames(eligibility) : verdict.routes.map((r) => ROUTE_LABELS[r])).map((name) => (
              <Text key={name} className="verdict__route">
                ✓ {name}
              </Text>
            ))}
          </View>
        </Card>
        {eligibility ? (
          <Card title="办理时请带上">
            <DocumentList eligibility={eligibility} />
          </Card>
        ) : null}
        <Text className="eligibility__note">
          结果按你填写的情况和深圳的申领规定估算,最终以居住证受理部门的审核为准。下一步先办好照片回执,申领时要用到回执上的图像号。
        </Text>
        <AboutPermitLink />
      </Screen>
    );
  }

  return (
    <Screen
      footer={
        <View>
          <ActionButton onClick={editAnswers}>修改回答</ActionButton>
          <ActionButton type="default" onClick={() => makeReceipt(null)} testId="eligibility-continue-anyway">
            仍要办理照片回执
          </ActionButton>
        </View>
      }
    >
      <View className="verdict verdict--no" data-testid="eligibility-verdict">
        <Text className="verdict__headline">暂不符合申领条件</Text>
        <Text className="verdict__text">{`按你的回答,${applyOn}还不能申领深圳居住证。三种条件满足任意一种即可,下面是每种还差什么。`}</Text>
      </View>
      {verdict.earliestDate ? (
        <View className="verdict__date" data-testid="eligibility-earliest-date">
          <Text className="verdict__date-text">{`预计 ${formatChineseDate(verdict.earliestDate)} 起符合条件`}</Text>
          <Text className="verdict__date-note">
            前提是现在的居住登记一直有效、社保从申请当月起每月按时缴纳,中间都不中断;到时再做一次自测确认。
          </Text>
        </View>
      ) : null}
      <UnmetByRoute verdict={verdict} />
      <Text className="eligibility__note">
        {`照片回执现在也可以先办,但深圳的回执 ${getCity(SHENZHEN_CITY_CODE)!.validityDays} 天后过期,建议快符合条件时再办。`}
      </Text>
      <AboutPermitLink />
    </Screen>
  );
}
