import { Image, Text, View } from '@tarojs/components';

import { CHECK_CODES, type CheckCode } from '@shared/check-codes';
import type { CheckResult, PhotoReport } from '@shared/photo-report';
import { reviewerRule } from '@shared/reviewer-rules';

import { ActionButton } from '../ActionButton';
import { Spinner } from '../Spinner';

import './index.scss';

export interface ReportItem {
  code: CheckCode;
  title: string;
  message: string;
  detail: string | null;
  /** The photo rule a reviewer rejects by, for the reviewer-rule checks. */
  rule: string | null;
}

function itemsFor(codes: readonly CheckCode[], checks: readonly CheckResult[]): ReportItem[] {
  return codes.map((code) => {
    const info = CHECK_CODES[code] ?? { title: code, message: '' };
    const check = checks.find((c) => c.code === code);
    const detail = check && check.value !== null && check.limit ? `测量值 ${check.value},要求 ${check.limit}` : null;
    return { code, title: info.title, message: info.message || check?.message || '', detail, rule: reviewerRule(code) };
  });
}

/** Blocking failures and softer warnings of a report, with what to do for each. */
export function reportItems(report: PhotoReport | null): { failures: ReportItem[]; warnings: ReportItem[] } {
  if (!report) return { failures: [], warnings: [] };
  const failureCodes = new Set<CheckCode>(report.failures);
  const warningCodes = new Set<CheckCode>(report.warnings);
  for (const check of report.checks) {
    if (check.pass) continue;
    (check.severity === 'block' ? failureCodes : warningCodes).add(check.code);
  }
  return { failures: itemsFor([...failureCodes], report.checks), warnings: itemsFor([...warningCodes], report.checks) };
}

export interface ReportViewProps {
  /** `processing` shows the spinner; `ready` / `needs_retake` show the report. */
  status: 'processing' | 'ready' | 'needs_retake' | string;
  report: PhotoReport | null;
  processedSrc: string | null;
  originalSrc: string | null;
  onRetake?: () => void;
  onNext?: () => void;
  /** The reviewer's view: only the verdict and the items (no photos, no applicant buttons). */
  compact?: boolean;
}

export function ReportView({ status, report, processedSrc, originalSrc, onRetake, onNext, compact = false }: ReportViewProps) {
  const processing = status === 'processing';
  const { failures, warnings } = reportItems(report);
  // A photo is good when the engine said so and the order is not waiting for a retake.
  const ok = status !== 'needs_retake' && (report?.ok ?? status === 'ready');

  return (
    <View className="report">
      {compact ? null : (
      <View className="report__photos">
        <View className="report__photo">
          {originalSrc ? (
            <Image className="report__img" src={originalSrc} mode="aspectFit" />
          ) : (
            <View className="report__img report__img--empty">
              <Text>原图</Text>
            </View>
          )}
          <Text className="report__caption">你选的照片</Text>
        </View>
        <View className="report__photo">
          {processing ? (
            <View className="report__img report__img--empty">
              <Spinner />
            </View>
          ) : processedSrc ? (
            <Image className="report__img report__img--processed" src={processedSrc} mode="aspectFit" />
          ) : (
            <View className="report__img report__img--empty">
              <Text>暂无处理结果</Text>
            </View>
          )}
          <Text className="report__caption">证件照(已按规格处理)</Text>
        </View>
      </View>
      )}

      {processing ? (
        <View className="report__banner report__banner--processing">
          <Spinner text="正在处理照片:裁剪尺寸、换白色背景、检查是否合格,通常需要几秒钟…" />
        </View>
      ) : ok ? (
        <View className="report__banner report__banner--ok">
          <Text className="report__banner-title">照片检测合格</Text>
          <Text className="report__banner-text">
            {compact ? '规格、背景和质量自动检测均已通过。' : '规格、背景和质量均已符合要求,可以进入下一步。'}
          </Text>
        </View>
      ) : (
        <View className="report__banner report__banner--fail">
          <Text className="report__banner-title">{compact ? '自动检测未通过' : '照片未通过检测,请重新拍摄'}</Text>
          {compact ? null : <Text className="report__banner-text">重新拍摄免费,仍在这个订单里,不用重新选择业务。</Text>}
        </View>
      )}

      {failures.length > 0 ? (
        <View className="report__list" data-testid="report-failures">
          {failures.map((item) => (
            <View key={item.code} className="report-item report-item--fail">
              <Text className="report-item__title">✕ {item.title}</Text>
              <Text className="report-item__message">{item.message}</Text>
              {item.rule ? <Text className="report-item__detail">照片要求:{item.rule}</Text> : null}
              {item.detail ? <Text className="report-item__detail">{item.detail}</Text> : null}
            </View>
          ))}
        </View>
      ) : null}

      {warnings.length > 0 ? (
        <View className="report__list" data-testid="report-warnings">
          <Text className="report__list-title">提示(不影响提交,审核员会参考)</Text>
          {warnings.map((item) => (
            <View key={item.code} className="report-item report-item--warn">
              <Text className="report-item__title">{item.title}</Text>
              <Text className="report-item__message">{item.message}</Text>
              {item.rule ? <Text className="report-item__detail">照片要求:{item.rule}</Text> : null}
            </View>
          ))}
        </View>
      ) : null}

      {compact ? null : (
      <View className="report__actions">
        {processing ? (
          <ActionButton disabled disabledReason="照片处理完成后才能继续">
            下一步
          </ActionButton>
        ) : ok ? (
          <>
            <ActionButton onClick={onNext}>下一步</ActionButton>
            <ActionButton type="default" onClick={onRetake}>
              重新拍摄
            </ActionButton>
          </>
        ) : (
          <ActionButton onClick={onRetake}>重新拍摄</ActionButton>
        )}
      </View>
      )}
    </View>
  );
}
