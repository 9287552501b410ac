import { Text, View } from '@tarojs/components';

import {
  CERTIFICATES,
  RECEIPT_GROUPS,
  type Certificate,
  type ReceiptGroupInfo,
} from '../../../shared/certificates';

import './index.scss';

interface CertificateGroup extends ReceiptGroupInfo {
  certificates: Certificate[];
}

/** The catalogue grouped by receipt group (A, B, C), in catalogue order; empty groups left out. */
function groupCertificates(): CertificateGroup[] {
  return Object.values(RECEIPT_GROUPS)
    .map((group) => ({
      ...group,
      certificates: CERTIFICATES.filter((cert) => cert.group === group.code),
    }))
    .filter((group) => group.certificates.length > 0);
}

// The catalogue is static data: group it once.
const GROUPS = groupCertificates();

export default function Index() {
  return (
    <View className="home">
      <View className="home__hero">
        <Text className="home__title">照片回执</Text>
        <Text className="home__intro">
          用手机拍一张半身照，自动调整为证件照规格，审核通过后领取带图像号的数码照片回执。
        </Text>
      </View>

      <Text className="home__section-title">支持的证件</Text>
      {GROUPS.map((group) => (
        <View key={group.code} className="cert-group">
          <View className="cert-group__header">
            <Text className="cert-group__badge">{group.code}</Text>
            <Text className="cert-group__name">{group.name}</Text>
          </View>
          {group.certificates.map((cert) => (
            <View key={cert.code} className="cert-item">
              <View className="cert-item__row">
                <Text className="cert-item__name">{cert.name}</Text>
                <Text className="cert-item__size">
                  {cert.spec.width}×{cert.spec.height} 像素
                </Text>
              </View>
              {cert.note ? <Text className="cert-item__note">{cert.note}</Text> : null}
            </View>
          ))}
        </View>
      ))}
    </View>
  );
}
