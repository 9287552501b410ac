import { Input, Text, View } from '@tarojs/components';
import { useMemo, useState } from 'react';

import { type CertCode, getCertificate } from '@shared/certificates';
import { CITIES, type City, citiesFor, groupByProvince, searchCities } from '@shared/cities';

import { EmptyState } from '../StateView';

import './index.scss';

/** What the page knows about the person's location (platform/locate). */
export type LocatedState =
  | { kind: 'none' } // unavailable, refused or failed: nothing is shown
  | { kind: 'can_ask' } // one tap asks the platform for the position
  | { kind: 'locating' }
  | { kind: 'found'; city: City };

export interface CityPickerProps {
  certType: CertCode;
  selected: string | null;
  onSelect: (cityCode: string) => void;
  located?: LocatedState;
  onLocate?: () => void;
}

function CityRow({ city, selected, onSelect, showProvince }: { city: City; selected: boolean; onSelect: (code: string) => void; showProvince: boolean }) {
  return (
    <View className={`city-item ${showProvince ? '' : 'city-item--plain'} ${selected ? 'city-item--selected' : ''}`} data-testid={`city-${city.code}`} onClick={() => onSelect(city.code)}>
      <Text className="city-item__name">{city.name}</Text>
      {/* Under a province header the province is not repeated (and 369 rows stay two nodes each). */}
      {showProvince ? <Text className="city-item__province">{city.province}</Text> : null}
      {selected ? <Text className="city-item__check">✓</Text> : null}
    </View>
  );
}

/**
 * Every city (never a province) whose offices take receipts for this certificate: the located
 * city first, then the cities under their province's header; a search by name, pinyin or
 * initials gives one ranked list with the province as secondary text.
 */
export function CityPicker({ certType, selected, onSelect, located = { kind: 'none' }, onLocate }: CityPickerProps) {
  const [query, setQuery] = useState('');
  const offered = useMemo(() => citiesFor(certType), [certType]);
  const groups = useMemo(() => groupByProvince(offered), [offered]);
  const q = query.trim();
  const results = useMemo(() => (q ? searchCities(offered, q) : []), [offered, q]);

  const emptyText = () => {
    const elsewhere = searchCities(CITIES, q)[0];
    return elsewhere
      ? `${elsewhere.name}暂不办理${getCertificate(certType).name}的照片回执,请选择其他城市`
      : `没有找到“${q}”,请输入城市名称或拼音,如 北京 / bj`;
  };

  return (
    <View className="city-picker">
      <View className="city-picker__search">
        <Input
          className="city-picker__input"
          type="text"
          value={query}
          placeholder="搜索城市名或拼音,如 北京 / bj"
          confirmType="search"
          onInput={(e) => setQuery(e.detail.value)}
        />
      </View>
      <Text className="city-picker__hint">请选择办证所在的城市(不是省份),选错城市回执将无法使用</Text>
      {q ? (
        results.length === 0 ? (
          <EmptyState text={emptyText()} />
        ) : (
          <View className="city-picker__list" data-testid="city-list">
            {results.map((city) => (
              <CityRow key={city.code} city={city} selected={city.code === selected} onSelect={onSelect} showProvince />
            ))}
          </View>
        )
      ) : (
        <View data-testid="city-list">
          <LocatedRow located={located} offered={offered} selected={selected} onSelect={onSelect} onLocate={onLocate} />
          {groups.map((group) => (
            <View key={group.title} className="city-picker__group" data-testid={`city-group-${group.title}`}>
              <Text className="city-picker__group-title">{group.title}</Text>
              <View className="city-picker__list">
                {group.cities.map((city) => (
                  <CityRow key={city.code} city={city} selected={city.code === selected} onSelect={onSelect} showProvince={false} />
                ))}
              </View>
            </View>
          ))}
        </View>
      )}
    </View>
  );
}

function LocatedRow({ located, offered, selected, onSelect, onLocate }: { located: LocatedState; offered: readonly City[]; selected: string | null; onSelect: (code: string) => void; onLocate?: () => void }) {
  if (located.kind === 'none') return null;
  const city = located.kind === 'found' && offered.some((c) => c.code === located.city.code) ? located.city : null;
  if (located.kind === 'found' && !city) return null; // located somewhere this certificate is not offered
  return (
    <View className="city-picker__group" data-testid="city-located">
      <Text className="city-picker__group-title">当前定位</Text>
      <View className="city-picker__list">
        {city ? (
          <CityRow city={city} selected={city.code === selected} onSelect={onSelect} showProvince />
        ) : located.kind === 'locating' ? (
          <View className="city-item city-item--muted">
            <Text className="city-item__name">正在定位…</Text>
          </View>
        ) : (
          <View className="city-item city-item--action" data-testid="city-locate" onClick={onLocate}>
            <Text className="city-item__name">定位当前城市</Text>
            <Text className="city-item__province">仅用于推荐城市,不会保存位置</Text>
          </View>
        )}
      </View>
    </View>
  );
}
