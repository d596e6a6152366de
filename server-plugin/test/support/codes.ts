// server-plugin/test/support/codes.ts
// Codes a test types: the one way to get a wrong one.

/** A code of the same length that is certainly not `code`; `n` (1, 2, …) gives different ones. */
export function wrongCode(code: string, n = 1): string {
  const modulus = 10 ** code.length;
  return String((Number(code) + n) % modulus).padStart(code.length, '0');
}
