/** Luhn (mod 10) over a string of digits: what every payment card number satisfies. */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) { d *= 2; if (d > 9) d -= 9; }
    sum += d;
  }
  return sum % 10 === 0;
}

/**
 * Card issuers' number ranges and lengths (Visa, Mastercard, American Express, Discover, JCB, Diners,
 * UnionPay, Maestro): with Luhn, a random 16-digit order number passes 1 time in 10 without them.
 */
export function looksLikeCardNumber(digits: string): boolean {
  const n = digits.length;
  if (n < 13 || n > 19 || !luhnValid(digits)) return false;
  const p2 = Number(digits.slice(0, 2));
  const p4 = Number(digits.slice(0, 4));
  if (digits.startsWith('4')) return n === 13 || n === 16 || n === 19;
  if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) return n === 16;
  if (p2 === 34 || p2 === 37) return n === 15;
  if (digits.startsWith('6011') || digits.startsWith('65') || (p4 >= 6440 && p4 <= 6499) || p2 === 62) return n >= 16;
  if (p4 >= 3528 && p4 <= 3589) return n >= 16;
  if (p2 === 36 || p2 === 38 || p2 === 30) return n >= 14;
  if (p2 === 50 || (p2 >= 56 && p2 <= 69)) return n >= 12; // Maestro
  return false;
}

/** ISO 13616: two letters, two check digits, up to 30 letters or digits; mod 97 of the rearranged number is 1. */
export function ibanValid(raw: string): boolean {
  const s = raw.replace(/[\s-]/g, '').toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(s)) return false;
  const rearranged = s.slice(4) + s.slice(0, 4);
  let rest = 0;
  for (const ch of rearranged) {
    const v = ch >= 'A' ? String(ch.charCodeAt(0) - 55) : ch;
    for (const d of v) rest = (rest * 10 + Number(d)) % 97;
  }
  return rest === 1;
}
