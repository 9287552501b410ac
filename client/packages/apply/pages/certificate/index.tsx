import { Text } from '@tarojs/components';
import { useEffect } from 'react';

import type { CertCode } from '@shared/certificates';

import { CertificateList } from '../../../../components/CertificateList';
import { Screen } from '../../../../components/Screen';
import { ErrorState, LoadingState } from '../../../../components/StateView';
import { useRequireSignIn } from '../../../../hooks/use-session-gate';
import { go } from '../../../../routes';
import { catalogSelectors, useCatalogStore } from '../../../../stores/catalog.store';
import { useOrderStore } from '../../../../stores/order.store';

import '../../apply.scss';

export default function CertificatePage() {
  useRequireSignIn();
  const status = useCatalogStore((s) => s.status);
  const error = useCatalogStore((s) => s.error);
  const load = useCatalogStore((s) => s.load);
  const groups = useCatalogStore(catalogSelectors.groups);
  const selected = useOrderStore((s) => s.draft.certType);
  const chooseCertificate = useOrderStore((s) => s.chooseCertificate);

  useEffect(() => {
    void load();
  }, [load]);

  return (
    <Screen>
      <Text className="apply__lead">选择要办理的证件。同一组(A/B/C)的证件可以共用一张回执。</Text>
      {status === 'error' ? (
        <ErrorState message={error ?? '加载失败'} onRetry={() => void load({ force: true })} />
      ) : status !== 'ready' ? (
        <LoadingState text="正在加载证件列表…" />
      ) : (
        <CertificateList
          groups={groups}
          selected={selected}
          onSelect={(code) => {
            chooseCertificate(code as CertCode);
            go('city');
          }}
        />
      )}
    </Screen>
  );
}
