import { describe, expect, it } from 'vitest';
import { BACKGROUNDS, photoBackgroundFor, type BackgroundRule } from './photo-background';

describe('photo background per certificate and city', () => {
  it('is white unless a rule asks otherwise', () => {
    expect(photoBackgroundFor('resident_id', '4403')).toEqual(BACKGROUNDS.white);
    expect(photoBackgroundFor('passport')).toEqual(BACKGROUNDS.white);
  });

  it('takes the most specific rule: certificate + city over certificate alone', () => {
    const rules: BackgroundRule[] = [
      { cert: 'social_security', background: 'light_blue', source: 'test' },
      { cert: 'social_security', city: '4403', background: 'white', source: 'test' },
    ];
    expect(photoBackgroundFor('social_security', '4401', rules).key).toBe('light_blue');
    expect(photoBackgroundFor('social_security', '4403', rules).key).toBe('white');
    expect(photoBackgroundFor('resident_id', '4401', rules).key).toBe('white');
  });
});
