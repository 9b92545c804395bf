/**
 * Distinct, valid NHS numbers in the 999 range kept for testing. Random numbers would collide
 * (tens of thousands drawn from under a million), so they are taken consecutively from a random
 * start, skipping those whose Modulus 11 check digit would be 10 (never issued).
 */
import { randomInt } from 'node:crypto';

const RANGE = 1_000_000;

function withCheckDigit(six: number): string | null {
  const nine = `999${String(six).padStart(6, '0')}`;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += (nine.charCodeAt(i) - 48) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 10) return null;
  return `${nine}${check === 11 ? 0 : check}`;
}

export function testRangeNhsNumbers(count: number, start = randomInt(RANGE)): string[] {
  const out: string[] = [];
  for (let k = 0; out.length < count; k++) {
    if (k >= RANGE) throw new Error(`the 999 range holds fewer than ${count} valid NHS numbers`);
    const n = withCheckDigit((start + k) % RANGE);
    if (n !== null) out.push(n);
  }
  return out;
}
