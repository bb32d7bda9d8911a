/**
 * Finding required outputs in a final message: case, spacing, "$" and thousands separators must not
 * matter ("$1,234.50" and "1234.5" are the same amount), but "12" must not be found inside "12.5" or "112".
 */

/** Lower case, single spaces, no "$", numbers in one canonical spelling. */
export function normaliseText(text: string): string {
  return text
    .toLowerCase()
    .replace(/\$/g, '')
    .replace(/\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?/g, canonicalNumber)
    .replace(/\s+/g, ' ')
    .trim();
}

function canonicalNumber(digits: string): string {
  const plain = digits.replace(/,/g, '');
  // Long digit strings are ids (tracking numbers), not amounts: keep them exactly.
  if (plain.replace('.', '').length > 15) return plain;
  return String(Number(plain));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** True when `required` appears in `message` as a whole token sequence, after normalising both. */
export function containsOutput(message: string, required: string): boolean {
  const needle = normaliseText(required);
  if (needle.length === 0) return true;
  const pattern = new RegExp(`(?<![a-z0-9]|\\d\\.)${escapeRegExp(needle)}(?![a-z0-9]|\\.\\d)`);
  return pattern.test(normaliseText(message));
}
