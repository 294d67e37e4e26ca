/**
 * The product's tag codes, `TT-XXXX-XXXX-C`: Crockford base32 with a Luhn mod-32 check
 * character (reference-app/README.md). A seeding run owns one or more *batches* — the first
 * group of four symbols, as on a printed roll of tags — so concurrent runs never collide.
 */
export const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const N = 32;
/** Codes per batch: the second group's 4 symbols. */
export const BATCH_SIZE = N ** 4;

export function checkChar(payload: string): string {
  let total = 0;
  let factor = 2; // doubled from the rightmost character leftwards
  for (let i = payload.length - 1; i >= 0; i--) {
    const addend = factor * ALPHABET.indexOf(payload[i]!);
    total += Math.floor(addend / N) + (addend % N);
    factor = factor === 2 ? 1 : 2;
  }
  return ALPHABET[(N - (total % N)) % N]!;
}

export function isValidCode(code: string): boolean {
  const m = /^TT-([0-9A-HJKMNP-TV-Z]{4})-([0-9A-HJKMNP-TV-Z]{4})-([0-9A-HJKMNP-TV-Z])$/.exec(code);
  return !!m && checkChar(m[1]! + m[2]!) === m[3];
}

function symbols4(n: number): string {
  return ALPHABET[(n >>> 15) & 31]! + ALPHABET[(n >>> 10) & 31]! + ALPHABET[(n >>> 5) & 31]! + ALPHABET[n & 31]!;
}

export function batchPrefix(batch: number): string {
  return symbols4(batch);
}

/**
 * The code for serial `n` (0 ≤ n < BATCH_SIZE) in `batch`. Serials are scrambled by an odd
 * multiplier (a bijection mod 2^20), so consecutive tags do not get consecutive codes.
 */
export function codeFor(batch: number, n: number, scramble: number): string {
  const serial = (Math.imul(n, 0x9e3779b1 | 1) + scramble) & (BATCH_SIZE - 1);
  const payload = symbols4(batch) + symbols4(serial);
  return `TT-${payload.slice(0, 4)}-${payload.slice(4)}-${checkChar(payload)}`;
}
