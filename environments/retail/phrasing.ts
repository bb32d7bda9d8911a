/**
 * How customers talk about their things in tickets: items by name and options, payment methods by kind,
 * addresses in one line. Varied by the seeded RNG so tickets do not all read alike.
 */
import type { Random } from '../../src/util/random.ts';
import type { Address, OrderItem, PaymentMethod, User } from './data.ts';

/** How the customer identifies themselves in the ticket. */
export type IdentifyBy = 'email' | 'name_zip';

/** "color navy, size M". */
export function describeOptions(options: Record<string, string>): string {
  return Object.entries(options)
    .map(([dimension, value]) => `${dimension} ${value}`)
    .join(', ');
}

/** "the Desk Fan (speeds 3, color white)". */
export function describeItem(item: Pick<OrderItem, 'name' | 'options'>): string {
  return `the ${item.name} (${describeOptions(item.options)})`;
}

/** "a, b and c". */
export function joinList(parts: readonly string[]): string {
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

/** "my PayPal account", "my gift card", "my Visa card ending in 0423". */
export function describeMethod(method: PaymentMethod): string {
  switch (method.source) {
    case 'paypal':
      return 'my PayPal account';
    case 'gift_card':
      return 'my gift card';
    case 'credit_card':
      return `my ${capitalise(method.brand)} credit card ending in ${method.last_four}`;
  }
}

/** What the agent calls the method in its final message. */
export function nameMethod(method: PaymentMethod): string {
  return describeMethod(method).replace(/^my /, 'your ');
}

function capitalise(text: string): string {
  return text === 'amex' ? 'Amex' : text.charAt(0).toUpperCase() + text.slice(1);
}

/** "1234 Juniper Lane, Apt 5, Portland, OR 97201, USA". */
export function describeAddress(address: Address): string {
  const street = address.address2 ? `${address.address1}, ${address.address2}` : address.address1;
  return `${street}, ${address.city}, ${address.state} ${address.zip}, ${address.country}`;
}

/** The ticket's opening line, which carries the identification details. */
export function greeting(random: Random, user: User, by: IdentifyBy): string {
  const { first_name: first, last_name: last } = user.name;
  if (by === 'email') {
    return random.pick([
      `Hi, my email is ${user.email}.`,
      `Hello! My account is under ${user.email}.`,
      `This is ${first} ${last} (${user.email}).`,
      `Hi there, writing from ${user.email}.`,
    ]);
  }
  return random.pick([
    `Hi, I'm ${first} ${last}, zip code ${user.address.zip}.`,
    `Hello, this is ${first} ${last}; my zip code is ${user.address.zip}.`,
    `My name is ${first} ${last} and my zip code is ${user.address.zip}.`,
    `Hi! ${first} ${last} here (zip ${user.address.zip}).`,
  ]);
}

/** The ticket's pre-authorisation of exactly the changes it asks for. */
export function authorisation(random: Random): string {
  return random.pick([
    'I confirm all of the above, please go ahead.',
    'You have my confirmation for exactly these changes.',
    'Please just do it, consider this my explicit confirmation.',
    'I have checked the details and confirm them; go ahead.',
  ]);
}

/** A polite ending for tickets that only ask for information. */
export function signOff(random: Random): string {
  return random.pick(['Thanks!', 'Thank you.', 'Thanks a lot.', 'Appreciate it.']);
}
