import { describe, expect, it } from 'vitest';
import { NAME_PATTERN, idCheckChar, idNumberProblem, maskIdNumber, maskPhone } from './identity';

describe('GB 11643 ID numbers', () => {
  it('computes the check character of the standard example', () => {
    // GB 11643-1999 appendix example: 11010519491231002X.
    expect(idCheckChar('11010519491231002')).toBe('X');
    expect(idNumberProblem('11010519491231002X')).toBeNull();
    expect(idNumberProblem('11010519491231002x')).toBeNull();
  });
  it.each([
    ['1101051949123100', 'format'],
    ['11010519491231002Y', 'format'],
    ['110105194912310021', 'check_digit'],
    ['110105194902300021', 'birth_date'],
    ['110105299901010021', 'birth_date'],
  ] as const)('%s is refused for %s', (id, problem) => {
    expect(idNumberProblem(id)).toBe(problem);
  });
  it('masks all but the region and the last four', () => {
    expect(maskIdNumber('440305199001011234')).toBe('4403**********1234');
    expect(maskPhone('13812345678')).toBe('138****5678');
  });
  it('accepts Chinese names with the middle dot only', () => {
    expect(NAME_PATTERN.test('张三')).toBe(true);
    expect(NAME_PATTERN.test('买买提·艾力')).toBe(true);
    expect(NAME_PATTERN.test('张')).toBe(false);
    expect(NAME_PATTERN.test('Tom')).toBe(false);
  });
});
