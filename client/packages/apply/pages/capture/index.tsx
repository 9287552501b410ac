import { Text, View } from '@tarojs/components';
import { useCallback, useEffect, useState } from 'react';

import { getCertificate, type PhotoSpec } from '@shared/certificates';
import { PHOTO_EDITABLE, STATUS_LABELS } from '@shared/order-machine';

import { ActionButton } from '../../../../components/ActionButton';
import { ProgressBar } from '../../../../components/ProgressBar';
import { Card, Screen } from '../../../../components/Screen';
import { EmptyState, ErrorText, PendingScreen } from '../../../../components/StateView';
import { useRequireSignIn, useRouteParam } from '../../../../hooks/use-session-gate';
import { choosePhoto, type ChosenPhoto, type PhotoSource } from '../../../../platform/choose-photo';
import { go, replace } from '../../../../routes';
import { guideTarget } from '../../camera/face-guide';
import { LiveCamera } from '../../camera/LiveCamera';
import { useOrderFor, useOrderStore } from '../../../../stores/order.store';
import { sessionSelectors, useSessionStore } from '../../../../stores/session.store';

import './index.scss';

const TIPS = ['面向窗户,白天自然光', '手机与眼睛同高,拍到双肩', '头发别到耳后,不戴饰品', '表情自然,双眼平视镜头'];

export default function CapturePage() {
  useRequireSignIn();
  const orderId = useRouteParam('orderId');
  const hasConsent = useSessionStore(sessionSelectors.hasConsent);
  const { current, loadStatus, loadError, loadOrder } = useOrderFor(orderId);
  const upload = useOrderStore((s) => s.upload);
  const uploadPhoto = useOrderStore((s) => s.uploadPhoto);
  const [picked, setPicked] = useState<ChosenPhoto | null>(null);
  const [pickError, setPickError] = useState<string | null>(null);
  /** Why the live camera cannot be used (permission, no camera); the album and file picker remain. */
  const [cameraProblem, setCameraProblem] = useState<string | null>(null);

  useEffect(() => {
    if (!orderId) return;
    if (!hasConsent) {
      replace('consent', { orderId });
      return;
    }
    if (useOrderStore.getState().order?.id !== orderId) void loadOrder(orderId);
  }, [orderId, hasConsent, loadOrder]);

  if (!orderId) {
    return (
      <Screen>
        <EmptyState text="没有找到要拍照的订单" action="开始办理" onAction={() => replace('certificate')} />
      </Screen>
    );
  }

  if (!current) {
    return <PendingScreen failed={loadStatus === 'error'} error={loadError} onRetry={() => void loadOrder(orderId)} />;
  }

  const spec: PhotoSpec = getCertificate(current.certType).spec;
  const editable = PHOTO_EDITABLE.includes(current.status);
  const uploading = upload.phase === 'uploading';

  const send = async (photo: ChosenPhoto) => {
    const result = await uploadPhoto(orderId, photo);
    if (result) replace('result', { orderId });
  };

  const captured = (photo: ChosenPhoto) => {
    setPicked(photo);
    void send(photo);
  };

  const pick = async (source: PhotoSource) => {
    setPickError(null);
    try {
      const photo = await choosePhoto(source);
      if (!photo) return;
      setPicked(photo);
      await send(photo);
    } catch {
      setPickError(source === 'camera' ? '无法打开相机,请允许使用相机,或改为从相册选择' : '无法打开相册,请检查权限后重试');
    }
  };

  return (
    <Screen>
      <Text className="capture__chip">{getCertificate(current.certType).name}</Text>
      {!editable ? (
        <Card>
          <Text className="capture__blocked">订单当前状态为“{STATUS_LABELS[current.status]}”,不能更换照片。</Text>
          <ActionButton type="default" onClick={() => go('orderDetail', { id: orderId })}>
            查看订单
          </ActionButton>
        </Card>
      ) : (
        <>
          {cameraProblem ? (
            <Card>
              <Text className="capture__blocked" data-testid="camera-problem">
                {cameraProblem}
              </Text>
            </Card>
          ) : (
            <Card title="对准框拍摄">
              <LiveCameraFor spec={spec} paused={uploading} onCapture={captured} onUnavailable={setCameraProblem} />
            </Card>
          )}

          {uploading ? (
            <Card title="正在上传照片">
              <ProgressBar percent={upload.percent} label={upload.percent >= 100 ? '上传完成,等待处理' : '上传中'} />
            </Card>
          ) : null}

          {upload.phase === 'error' ? (
            <Card>
              <ErrorText message={upload.error} />
              {picked ? (
                <View className="capture__retry">
                  <ActionButton type="default" onClick={() => send(picked)}>
                    重新上传这张照片
                  </ActionButton>
                </View>
              ) : null}
            </Card>
          ) : null}
          <ErrorText message={pickError} />

          <View className="capture__actions">
            {cameraProblem ? (
              <ActionButton onClick={() => void pick('camera')} disabled={uploading} disabledReason="正在上传,请稍候">
                用系统相机拍照
              </ActionButton>
            ) : null}
            <ActionButton
              type="default"
              onClick={() => void pick('album')}
              disabled={uploading}
              disabledReason="正在上传,请稍候"
            >
              从相册选择
            </ActionButton>
          </View>

          <Card title="拍摄前确认">
            {TIPS.map((tip) => (
              <Text key={tip} className="capture__tip">
                · {tip}
              </Text>
            ))}
            <Text className="capture__link" onClick={() => go('guide')}>
              查看完整拍摄指南 ›
            </Text>
          </Card>

        </>
      )}
    </Screen>
  );
}

/** The live camera with the oval of this certificate's spec framing. */
function LiveCameraFor({
  spec,
  paused,
  onCapture,
  onUnavailable,
}: {
  spec: PhotoSpec;
  paused: boolean;
  onCapture: (photo: ChosenPhoto) => void;
  onUnavailable: (message: string) => void;
}) {
  const target = useCallback((frame: { width: number; height: number }) => guideTarget(spec, frame), [spec]);
  return (
    <LiveCamera target={target} aspect={spec.width / spec.height} paused={paused} onCapture={onCapture} onUnavailable={onUnavailable} />
  );
}
