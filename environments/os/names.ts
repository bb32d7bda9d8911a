/** Word pools for generated trees: realistic names, seeded picks. */
import type { Random } from '../../src/toolkit/index.ts';

export const FIRST_NAMES = [
  'Ada', 'Alan', 'Amara', 'Bea', 'Bruno', 'Chen', 'Clara', 'Dario', 'Dmitri', 'Elif', 'Emeka', 'Farah', 'Felix', 'Greta', 'Hiro',
  'Ines', 'Ivan', 'Jonas', 'Kalani', 'Kofi', 'Lena', 'Lucia', 'Malik', 'Mei', 'Nadia', 'Nils', 'Olga', 'Omar', 'Priya', 'Quentin',
  'Rosa', 'Sami', 'Sofia', 'Tariq', 'Uma', 'Viktor', 'Wen', 'Yara', 'Zoltan', 'Maya',
];

export const LAST_NAMES = [
  'Abbott', 'Bauer', 'Castillo', 'Dubois', 'Eriksen', 'Fischer', 'Garcia', 'Haddad', 'Ito', 'Jansen', 'Kowalski', 'Lindqvist',
  'Moreau', 'Nakamura', 'Okafor', 'Petrov', 'Quinn', 'Rossi', 'Sato', 'Tanaka', 'Umarov', 'Varga', 'Weber', 'Xu', 'Yilmaz', 'Zhang',
];

/** Client addresses from the documentation ranges (and a few private ones). */
export function ipPool(random: Random, count: number): string[] {
  const ips = new Set<string>();
  const prefixes = ['203.0.113.', '198.51.100.', '192.0.2.', '10.20.4.'];
  while (ips.size < count) ips.add(`${random.pick(prefixes)}${random.int(2, 254)}`);
  return [...ips].sort();
}

export const USER_AGENTS = [
  'Mozilla/5.0 (X11; Linux x86_64; rv:126.0) Gecko/20100101 Firefox/126.0',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  'curl/8.5.0',
  'python-requests/2.32.3',
  'Go-http-client/1.1',
];

/** Pick `count` distinct items. */
export function pickDistinct<T>(random: Random, items: readonly T[], count: number): T[] {
  return random.shuffle(items).slice(0, count);
}

/** Seeded filler bytes for binary-looking files (text, so the tree stays printable). */
export function filler(random: Random, length: number, header = ''): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let text = header;
  while (text.length < length) text += alphabet[random.int(0, alphabet.length - 1)];
  return text.slice(0, length);
}

export const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Zero-padded number. */
export function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}
