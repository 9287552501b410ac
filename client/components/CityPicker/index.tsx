import { Input, Text, View } from '@tarojs/components';
import { useMemo, useState } from 'react';

import type { CertCode } from '@shared/certificates';
import { citiesFor, searchCities } from '@shared/cities';

import { EmptyState } from '../StateView';

import './index.scss';

export interface CityPickerProps {
  certType: CertCode;
  selected: string | null;
  onSelect: (cityCode: string) => void;
}

/**
 * Cities (never provinces) whose offices take receipts for this certificate, searchable by name,
 * pinyin or initials. The province is secondary text only.
 */
export function CityPicker({ certType, selected, onSelect }: CityPickerProps) {
  const [query, setQuery] = useState('');
  const offered = useMemo(() => citiesFor(certType), [certType]);
  const cities = useMemo(() => searchCities(offered, query), [offered, query]);

  return (
    <View className="city-picker">
      <View className="city-picker__search">
        <Input
          className="city-picker__input"
          type="text"
          value={query}
          placeholder="搜索城市名或拼音,如 深圳 / sz"
          confirmType="search"
          onInput={(e) => setQuery(e.detail.value)}
        />
      </View>
      <Text className="city-picker__hint">请选择办证所在的城市(不是省份),选错城市回执将无法使用</Text>
      {cities.length === 0 ? (
        <EmptyState text={`没有找到“${query.trim()}”,该证件仅支持列表中的城市`} />
      ) : (
        <View className="city-picker__list" data-testid="city-list">
          {cities.map((city) => (
            <View
              key={city.code}
              className={`city-item ${city.code === selected ? 'city-item--selected' : ''}`}
              data-testid={`city-${city.code}`}
              onClick={() => onSelect(city.code)}
            >
              <Text className="city-item__name">{city.name}</Text>
              <Text className="city-item__province">{city.province}</Text>
              {city.code === selected ? <Text className="city-item__check">✓</Text> : null}
            </View>
          ))}
        </View>
      )}
    </View>
  );
}
