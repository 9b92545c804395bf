import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isValidNhsNumber } from './nhsNumber.js';

/** The check digit for nine digits, or null where none exists (remainder gives 10). */
function checkDigit(nine: number[]): number | null {
  const sum = nine.reduce((s, d, i) => s + d * (10 - i), 0);
  const c = 11 - (sum % 11);
  return c === 10 ? null : c === 11 ? 0 : c;
}

describe('isValidNhsNumber', () => {
  it('accepts published test numbers and refuses near misses', () => {
    // From the NHS App API examples and NHS test data.
    for (const n of ['9903002157', '9692113841', '9074662803', '9000000009', '4010232137']) {
      expect(isValidNhsNumber(n), n).toBe(true);
    }
    for (const n of ['9903002158', '990300215', '99030021570', '990300215a', ' 903002157', '', '1000000010']) {
      expect(isValidNhsNumber(n), n).toBe(false);
    }
  });

  it('accepts exactly the numbers whose last digit is their Modulus 11 check digit', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 10, maxLength: 10 }), (digits) => {
        const expected = checkDigit(digits.slice(0, 9)) === digits[9];
        expect(isValidNhsNumber(digits.join(''))).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('catches every single-digit error in a valid number', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 9, maxLength: 9 }),
        fc.integer({ min: 0, max: 9 }),
        fc.integer({ min: 1, max: 9 }),
        (nine, position, delta) => {
          const check = checkDigit(nine);
          fc.pre(check !== null);
          const digits = [...nine, check];
          digits[position] = (digits[position]! + delta) % 10;
          expect(isValidNhsNumber(digits.join(''))).toBe(false);
        },
      ),
    );
  });
});
