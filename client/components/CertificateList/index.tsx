import { Text, View } from '@tarojs/components';

import type { CatalogGroup } from '../../stores/catalog.store';

import './index.scss';

export interface CertificateListProps {
  groups: CatalogGroup[];
  selected: string | null;
  onSelect: (code: string) => void;
}

/** Certificates grouped by receipt group: one receipt serves every certificate in its group. */
export function CertificateList({ groups, selected, onSelect }: CertificateListProps) {
  return (
    <View>
      {groups.map((group) => (
        <View key={group.code} className="cert-group">
          <View className="cert-group__header">
            <Text className="cert-group__badge">{group.code}</Text>
            <Text className="cert-group__name">{group.name}</Text>
          </View>
          {group.certificates.map((cert) => (
            <View
              key={cert.code}
              className={`cert-item ${cert.code === selected ? 'cert-item--selected' : ''}`}
              onClick={() => onSelect(cert.code)}
            >
              <View className="cert-item__row">
                <Text className="cert-item__name">{cert.name}</Text>
                <Text className="cert-item__size">
                  {cert.width}×{cert.height} 像素
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
