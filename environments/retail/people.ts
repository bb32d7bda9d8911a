/**
 * Vocabulary for generated customers: names, streets and places. Our own lists; the generator combines
 * them so that every (first name, last name) pair is unique.
 */

/** Given names (capitalised). */
export const FIRST_NAMES: readonly string[] = [
  'Amara', 'Bruno', 'Celeste', 'Dmitri', 'Elif', 'Fergus', 'Greta', 'Hiro', 'Ingrid', 'Jonah',
  'Kalani', 'Leopold', 'Marisol', 'Nikhil', 'Oona', 'Pavel', 'Quinn', 'Rosalind', 'Soren', 'Tamsin',
  'Ulric', 'Vesna', 'Wendell', 'Ximena', 'Yusuf', 'Zelda', 'Anouk', 'Bastian', 'Corinne', 'Desmond',
  'Esme', 'Florian', 'Gideon', 'Hollis', 'Isadora', 'Jasper', 'Keziah', 'Lorcan', 'Mireille', 'Nadia',
];

/** Family names (capitalised, one word so user ids stay `first_last_NNNN`). */
export const LAST_NAMES: readonly string[] = [
  'Abernathy', 'Baptiste', 'Castellano', 'Dorsey', 'Ekwueme', 'Fairbanks', 'Galloway', 'Halvorsen',
  'Iwasaki', 'Jovanovic', 'Kowalczyk', 'Lindqvist', 'Maddox', 'Nakashima', 'Okonkwo', 'Pemberton',
  'Quintero', 'Rasmussen', 'Szabo', 'Thornbury', 'Underhill', 'Valentin', 'Whitlock', 'Yilmaz',
  'Zamora', 'Achterberg', 'Brennan', 'Crowther', 'Delacroix', 'Espinoza',
];

/** Street names without house numbers. */
export const STREETS: readonly string[] = [
  'Juniper Lane', 'Copperfield Road', 'Harbor View Drive', 'Old Mill Street', 'Larkspur Court',
  'Quarry Hill Road', 'Wren Avenue', 'Beacon Terrace', 'Saltmarsh Way', 'Foxglove Street',
  'Kestrel Boulevard', 'Orchard Row', 'Linden Parkway', 'Stonebridge Avenue', 'Maple Hollow Road',
  'Cedar Bluff Drive', 'Tidewater Lane', 'Granite Street', 'Heron Point Road', 'Meadowlark Circle',
];

/** A city with its state and the first three digits of its zip codes. */
export interface Place {
  city: string;
  state: string;
  zipPrefix: string;
}

/** Cities customers live in. */
export const PLACES: readonly Place[] = [
  { city: 'Portland', state: 'OR', zipPrefix: '972' },
  { city: 'Tucson', state: 'AZ', zipPrefix: '857' },
  { city: 'Madison', state: 'WI', zipPrefix: '537' },
  { city: 'Savannah', state: 'GA', zipPrefix: '314' },
  { city: 'Boise', state: 'ID', zipPrefix: '837' },
  { city: 'Providence', state: 'RI', zipPrefix: '029' },
  { city: 'Albuquerque', state: 'NM', zipPrefix: '871' },
  { city: 'Burlington', state: 'VT', zipPrefix: '054' },
  { city: 'Omaha', state: 'NE', zipPrefix: '681' },
  { city: 'Asheville', state: 'NC', zipPrefix: '288' },
  { city: 'Spokane', state: 'WA', zipPrefix: '992' },
  { city: 'Richmond', state: 'VA', zipPrefix: '232' },
  { city: 'Duluth', state: 'MN', zipPrefix: '558' },
  { city: 'Fresno', state: 'CA', zipPrefix: '937' },
  { city: 'Lexington', state: 'KY', zipPrefix: '405' },
];

/** Credit card networks. */
export const CARD_BRANDS: readonly string[] = ['visa', 'mastercard', 'amex', 'discover'];

/** Mail domains for customer emails (reserved example domains). */
export const MAIL_DOMAINS: readonly string[] = ['example.com', 'example.org', 'example.net'];
