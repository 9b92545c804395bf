/**
 * NHS numbers: ten digits, the last a Modulus 11 check digit (NHS Data Dictionary). Weights 10 down
 * to 2 over the first nine digits; the check digit is 11 minus the remainder, 11 becomes 0, and a
 * result of 10 means the number was never issued.
 */
export function isValidNhsNumber(value: string): boolean {
  if (value.length !== 10) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) {
    const d = value.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    sum += d * (10 - i);
  }
  const last = value.charCodeAt(9) - 48;
  if (last < 0 || last > 9) return false;
  const check = 11 - (sum % 11);
  if (check === 10) return false;
  return (check === 11 ? 0 : check) === last;
}
