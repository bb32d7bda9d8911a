/**
 * The airline tools, with tau2-bench's semantics (src/tau2/domains/airline/tools.py): the same names,
 * arguments, checks in the same order, error texts (pydantic's included), prices and mutations, and the
 * benchmark's own shortcuts kept as they are (a cancellation releases no seats, a flight change books no
 * seats, a one-stop search reaches the next day as "2024-05-<day + 1>" without a leading zero, new
 * reservations are HATHAT, HATHAU, HATHAV and new certificates certificate_3221322 to _3221324). The reward
 * replays the gold actions through these tools, so they must agree with the Python call for call.
 */
import { defineTool, param, refuse, type ToolDefinition, type ToolSpec } from '../../src/toolkit/tools.ts';
import { pythonInt, validateModel, type FieldRule } from '../tau2/pydantic.ts';
import { pythonJson, pythonRepr, type FloatPaths } from '../tau2/python.ts';
import type { Frozen } from '../tau2/store.ts';
import type { Tau2State } from '../tau2/world.ts';
import { CABINS, FLIGHT_TYPES, INSURANCE, type AirlineDatabase, type AirlineUser, type Cabin, type Flight, type FlightDate, type Passenger, type Reservation, type ReservationFlight } from './database.ts';
import { calculateSpec, transferSpec } from '../tau2/shared-tools.ts';

/** An airline episode's world. */
export type AirlineState = Tau2State<AirlineDatabase>;

/** The clock of the airline world (tau2's `_get_datetime`). */
export const AIRLINE_NOW = '2024-05-15T15:00:00';
const NEW_RESERVATION_IDS = ['HATHAT', 'HATHAU', 'HATHAV'];
const NEW_CERTIFICATE_NUMBERS = [3221322, 3221323, 3221324];

const ID = {
  user: '^[a-z]+_[a-z]+_\\d{4}$',
  reservation: '^[A-Z0-9]{6}$',
  flight: '^HAT\\d{3}$',
  date: '^\\d{4}-\\d{2}-\\d{2}$',
  airport: '^[A-Z]{3}$',
  paymentMethod: '^(credit_card|gift_card|certificate)_\\d{7}$',
} as const;

/** Gift card and certificate balances are floats in tau2's models; every other number is an integer. */
const AIRLINE_FLOATS: FloatPaths = (path) => path.length >= 3 && path.at(-1) === 'amount' && path.at(-3) === 'payment_methods';
const json = (value: unknown) => pythonJson(value, AIRLINE_FLOATS);

const userId = (what = 'The user id') => param.string({ pattern: ID.user, description: `${what}, e.g. 'sara_doe_4960'.` });
const reservationId = param.string({ pattern: ID.reservation, description: "The reservation id: 6 letters or digits, e.g. 'ZFA04Y'." });
const airport = (what: string) => param.string({ pattern: ID.airport, description: `${what} airport's three-letter IATA code, e.g. 'JFK'.` });
const date = param.string({ pattern: ID.date, description: "The date, 'YYYY-MM-DD', e.g. '2024-05-01'." });
const cabin = param.string({ enum: [...CABINS], description: "The cabin class: 'basic_economy', 'economy' or 'business'." });
const paymentId = param.string({
  pattern: ID.paymentMethod,
  description: "A payment method id from the user's profile, e.g. 'credit_card_7815826', 'gift_card_7815826' or 'certificate_7815826'.",
});
const flightInfo = param.object({
  description: "A flight: {'flight_number': 'HAT001', 'date': '2024-05-01'}.",
  properties: { flight_number: param.string({ pattern: ID.flight, description: "The flight number, e.g. 'HAT001'." }), date },
  required: ['flight_number', 'date'],
});
const passenger = param.object({
  description: "A passenger: {'first_name': 'Noah', 'last_name': 'Brown', 'dob': '1990-01-01'}.",
  properties: {
    first_name: param.string({ description: 'First name.' }),
    last_name: param.string({ description: 'Last name.' }),
    dob: param.string({ pattern: ID.date, description: "Date of birth, 'YYYY-MM-DD'." }),
  },
  required: ['first_name', 'last_name', 'dob'],
});
const payment = param.object({
  description: "A payment: {'payment_id': 'credit_card_7815826', 'amount': 100}.",
  properties: { payment_id: paymentId, amount: param.integer({ description: 'The amount in dollars.' }) },
  required: ['payment_id', 'amount'],
});
const CONFIRM = 'List the details to the customer and get their explicit confirmation (yes) before calling it.';

const FLIGHT_INFO: readonly FieldRule[] = [
  { name: 'flight_number', type: 'str' },
  { name: 'date', type: 'str' },
];
const PASSENGER: readonly FieldRule[] = [
  { name: 'first_name', type: 'str' },
  { name: 'last_name', type: 'str' },
  { name: 'dob', type: 'str' },
];
const PAYMENT: readonly FieldRule[] = [
  { name: 'payment_id', type: 'str' },
  { name: 'amount', type: 'int' },
];
const RESERVATION: readonly FieldRule[] = [
  { name: 'user_id', type: 'str' },
  { name: 'origin', type: 'str' },
  { name: 'destination', type: 'str' },
  { name: 'flight_type', type: { literal: FLIGHT_TYPES } },
  { name: 'cabin', type: { literal: CABINS } },
  { name: 'total_baggages', type: 'int' },
  { name: 'nonfree_baggages', type: 'int' },
  { name: 'insurance', type: { literal: INSURANCE } },
];

/**
 * An airline tool. The schema shows id formats and choices, but the tool itself judges the values, so a
 * wrong id gets tau2's own answer ("Reservation ZFA04 not found"), as in the benchmark.
 */
const airlineTool = (spec: ToolSpec<AirlineState>) => defineTool<AirlineState>({ ...spec, validation: { values: false } });

/**
 * tau2 turns a list of dicts into models only when every element is a dict; then a field that does not
 * fit fails with pydantic's error. A list mixing other values stays as it is and fails where it is used.
 */
function models<T>(model: string, list: unknown, fields: readonly FieldRule[]): T[] {
  const items = list as unknown[];
  if (!items.every((item) => typeof item === 'object' && item !== null && !Array.isArray(item))) {
    const odd = items.find((item) => typeof item !== 'object' || item === null || Array.isArray(item));
    refuse(`'${odd === null ? 'NoneType' : Array.isArray(odd) ? 'list' : typeof odd === 'string' ? 'str' : typeof odd === 'number' ? (Number.isInteger(odd) ? 'int' : 'float') : 'bool'}' object has no attribute '${fields[0]!.name}'`);
  }
  return items.map((item) => validateModel(model, item as Record<string, unknown>, fields) as T);
}

function user(state: AirlineState, id: string): AirlineUser {
  return state.db.edit('users', id) ?? refuse(`User ${id} not found`);
}

function reservation(state: AirlineState, id: string): Reservation {
  return state.db.edit('reservations', id) ?? refuse(`Reservation ${id} not found`);
}

function flight(state: AirlineState, number: string): Frozen<Flight> {
  return state.db.get('flights', number) ?? refuse(`Flight ${number} not found`);
}

function flightDate(state: AirlineState, number: string, day: string): Frozen<FlightDate> {
  const found = flight(state, number);
  return Object.hasOwn(found.dates, day) ? found.dates[day]! : refuse(`Flight ${number} not found on date ${day}`);
}

/** Python's `dict[key]` on a cabin-keyed dict: a missing key is a KeyError, whose text is the key's repr. */
function byCabin(table: Frozen<Partial<Record<Cabin, number>>>, key: string): number {
  return Object.hasOwn(table, key) ? table[key as Cabin]! : refuse(pythonRepr(key));
}

/** tau2's `_payment_for_update`: checks and charges a payment method for a change; null when nothing is due. */
function paymentForUpdate(owner: AirlineUser, id: string, total: number): { payment_id: string; amount: number } | null {
  if (!Object.hasOwn(owner.payment_methods, id)) refuse('Payment method not found');
  const method = owner.payment_methods[id]!;
  if (method.source === 'certificate') refuse('Certificate cannot be used to update reservation');
  if (method.source === 'gift_card' && method.amount < total) refuse('Gift card balance is not enough');
  if (method.source === 'gift_card') method.amount -= total;
  return total !== 0 ? { payment_id: id, amount: total } : null;
}

interface DirectFlight {
  flight_number: string;
  origin: string;
  destination: string;
  status: 'available';
  scheduled_departure_time_est: string;
  scheduled_arrival_time_est: string;
  date: string | null;
  available_seats: unknown;
  prices: unknown;
}

/** tau2's `_search_direct_flight`: available flights on a date, in the flight table's order. */
function searchDirect(state: AirlineState, day: string, origin?: string, destination?: string, leaveAfter?: string): DirectFlight[] {
  const results: DirectFlight[] = [];
  for (const candidate of state.db.values('flights')) {
    const instance = Object.hasOwn(candidate.dates, day) ? candidate.dates[day] : undefined;
    if (origin !== undefined && candidate.origin !== origin) continue;
    if (destination !== undefined && candidate.destination !== destination) continue;
    if (instance?.status !== 'available') continue;
    if (leaveAfter !== undefined && candidate.scheduled_departure_time_est < leaveAfter) continue;
    results.push({
      flight_number: candidate.flight_number,
      origin: candidate.origin,
      destination: candidate.destination,
      status: 'available',
      scheduled_departure_time_est: candidate.scheduled_departure_time_est,
      scheduled_arrival_time_est: candidate.scheduled_arrival_time_est,
      date: null,
      available_seats: instance.available_seats,
      prices: instance.prices,
    });
  }
  return results;
}

const AIRPORTS: readonly [string, string][] = [
  ['SFO', 'San Francisco'],
  ['JFK', 'New York'],
  ['LAX', 'Los Angeles'],
  ['ORD', 'Chicago'],
  ['DFW', 'Dallas'],
  ['DEN', 'Denver'],
  ['SEA', 'Seattle'],
  ['ATL', 'Atlanta'],
  ['MIA', 'Miami'],
  ['BOS', 'Boston'],
  ['PHX', 'Phoenix'],
  ['IAH', 'Houston'],
  ['LAS', 'Las Vegas'],
  ['MCO', 'Orlando'],
  ['EWR', 'Newark'],
  ['CLT', 'Charlotte'],
  ['MSP', 'Minneapolis'],
  ['DTW', 'Detroit'],
  ['PHL', 'Philadelphia'],
  ['LGA', 'LaGuardia'],
];

export const AIRLINE_TOOLS: readonly ToolDefinition<AirlineState>[] = [
  airlineTool({
    name: 'book_reservation',
    readOnly: false,
    description: `Book a reservation. The payments must add up to the total: the flights' prices for every passenger, $30 per passenger with insurance, $50 per non-free bag. ${CONFIRM} Returns the reservation.`,
    parameters: {
      user_id: userId('The id of the user booking'),
      origin: airport('The origin city'),
      destination: airport('The destination city'),
      flight_type: param.string({ enum: [...FLIGHT_TYPES], description: "'one_way' or 'round_trip'." }),
      cabin,
      flights: param.array(flightInfo, { description: 'Every flight of the trip, in order.' }),
      passengers: param.array(passenger, { description: 'Every passenger.' }),
      payment_methods: param.array(payment, { description: "The payments, from the user's payment methods." }),
      total_baggages: param.integer({ description: 'The total number of checked bags.' }),
      nonfree_baggages: param.integer({ description: 'How many of the checked bags are not free.' }),
      insurance: param.string({ enum: [...INSURANCE], description: "Travel insurance: 'yes' or 'no'." }),
    },
    run: (state, args) => {
      const flights = models<{ flight_number: string; date: string }>('FlightInfo', args.flights, FLIGHT_INFO);
      const passengers = models<Passenger>('Passenger', args.passengers, PASSENGER);
      const payments = models<{ payment_id: string; amount: number }>('Payment', args.payment_methods, PAYMENT);
      const owner = user(state, String(args.user_id));
      const id = NEW_RESERVATION_IDS.find((candidate) => !state.db.has('reservations', candidate)) ?? refuse('Too many reservations');
      const fields = validateModel('Reservation', args as Record<string, unknown>, RESERVATION);
      const chosenCabin = fields.cabin as Cabin;
      const booked: Reservation = {
        reservation_id: id,
        user_id: fields.user_id as string,
        origin: fields.origin as string,
        destination: fields.destination as string,
        flight_type: fields.flight_type as Reservation['flight_type'],
        cabin: chosenCabin,
        flights: [],
        passengers: passengers.map((entry) => ({ first_name: entry.first_name, last_name: entry.last_name, dob: entry.dob })),
        payment_history: payments.map((entry) => ({ payment_id: entry.payment_id, amount: entry.amount })),
        created_at: AIRLINE_NOW,
        total_baggages: fields.total_baggages as number,
        nonfree_baggages: fields.nonfree_baggages as number,
        insurance: fields.insurance as Reservation['insurance'],
        status: null,
      };
      let total = 0;
      const seatsTaken: { flight: string; date: string }[] = [];
      for (const info of flights) {
        const found = flight(state, info.flight_number);
        const instance = flightDate(state, info.flight_number, info.date);
        if (instance.status !== 'available') refuse(`Flight ${info.flight_number} not available on date ${info.date}`);
        if (byCabin(instance.available_seats, chosenCabin) < passengers.length) refuse(`Not enough seats on flight ${info.flight_number}`);
        const price = byCabin(instance.prices, chosenCabin);
        booked.flights.push({ flight_number: info.flight_number, origin: found.origin, destination: found.destination, date: info.date, price });
        seatsTaken.push({ flight: info.flight_number, date: info.date });
        total += price * passengers.length;
      }
      if (booked.insurance === 'yes') total += 30 * passengers.length;
      total += 50 * booked.nonfree_baggages;
      for (const entry of payments) {
        if (!Object.hasOwn(owner.payment_methods, entry.payment_id)) refuse(`Payment method ${entry.payment_id} not found`);
        const method = owner.payment_methods[entry.payment_id]!;
        if ((method.source === 'gift_card' || method.source === 'certificate') && method.amount < entry.amount) refuse(`Not enough balance in payment method ${entry.payment_id}`);
      }
      const paid = payments.reduce((sum, entry) => sum + entry.amount, 0);
      if (paid !== total) refuse(`Payment amount does not add up, total price is ${total}, but paid ${paid}`);
      for (const entry of payments) {
        // A certificate listed twice is gone the second time: Python's KeyError.
        const method = Object.hasOwn(owner.payment_methods, entry.payment_id) ? owner.payment_methods[entry.payment_id]! : refuse(pythonRepr(entry.payment_id));
        if (method.source === 'gift_card') method.amount -= entry.amount;
        else if (method.source === 'certificate') delete owner.payment_methods[entry.payment_id];
      }
      for (const taken of seatsTaken) {
        const instance = state.db.edit('flights', taken.flight)!.dates[taken.date]!;
        if (instance.status === 'available') instance.available_seats[chosenCabin] = instance.available_seats[chosenCabin]! - passengers.length;
      }
      state.db.put('reservations', id, booked);
      owner.reservations.push(id);
      return json(booked);
    },
  }),
  airlineTool(calculateSpec('(129 + 30) * 2')),
  airlineTool({
    name: 'cancel_reservation',
    readOnly: false,
    description: 'Cancel a whole reservation: every payment is refunded. The tool does not check the cancellation rules: make sure the policy allows it first. Returns the reservation.',
    parameters: { reservation_id: reservationId },
    run: (state, args) => {
      const target = reservation(state, String(args.reservation_id));
      const refunds = target.payment_history.map((entry) => ({ payment_id: entry.payment_id, amount: -entry.amount }));
      target.payment_history.push(...refunds);
      target.status = 'cancelled';
      return json(target);
    },
  }),
  airlineTool({
    name: 'get_reservation_details',
    readOnly: true,
    description: 'Get the details of a reservation.',
    parameters: { reservation_id: reservationId },
    run: (state, args) => json(state.db.get('reservations', String(args.reservation_id)) ?? refuse(`Reservation ${String(args.reservation_id)} not found`)),
  }),
  airlineTool({
    name: 'get_user_details',
    readOnly: true,
    description: "Get a user's details: profile, payment methods, saved passengers, membership and reservation ids.",
    parameters: { user_id: userId() },
    run: (state, args) => json(state.db.get('users', String(args.user_id)) ?? refuse(`User ${String(args.user_id)} not found`)),
  }),
  airlineTool({
    name: 'list_all_airports',
    readOnly: true,
    description: 'List every airport: IATA code and city.',
    run: () => json(AIRPORTS.map(([iata, city]) => ({ iata, city }))),
  }),
  airlineTool({
    name: 'search_direct_flight',
    readOnly: true,
    description: 'Search direct flights between two cities on a date: available seats and prices per cabin.',
    parameters: { origin: airport('The origin city'), destination: airport('The destination city'), date },
    run: (state, args) => json(searchDirect(state, String(args.date), String(args.origin), String(args.destination))),
  }),
  airlineTool({
    name: 'search_onestop_flight',
    readOnly: true,
    description: 'Search one-stop connections between two cities on a date: pairs of flights, the second leaving after the first arrives.',
    parameters: { origin: airport('The origin city'), destination: airport('The destination city'), date },
    run: (state, args) => {
      const day = String(args.date);
      const results: [DirectFlight, DirectFlight][] = [];
      for (const first of searchDirect(state, day, String(args.origin))) {
        first.date = day;
        const nextDay = first.scheduled_arrival_time_est.includes('+1') ? `2024-05-${pythonInt(day.slice(-2)) + 1}` : day;
        for (const second of searchDirect(state, nextDay, first.destination, String(args.destination), first.scheduled_arrival_time_est)) {
          second.date = nextDay;
          results.push([first, second]);
        }
      }
      return json(results);
    },
  }),
  airlineTool({
    name: 'send_certificate',
    readOnly: false,
    description: "Send a travel certificate (a credit for future bookings) to a user's profile. Only as the policy's compensation allows.",
    parameters: { user_id: userId('The id of the user'), amount: param.integer({ description: 'The amount of the certificate in dollars.' }) },
    run: (state, args) => {
      const owner = user(state, String(args.user_id));
      for (const number of NEW_CERTIFICATE_NUMBERS) {
        const id = `certificate_${number}`;
        if (!Object.hasOwn(owner.payment_methods, id)) {
          owner.payment_methods[id] = { source: 'certificate', id, amount: Number(args.amount) };
          return `Certificate ${id} added to user ${String(args.user_id)} with amount ${String(args.amount)}.`;
        }
      }
      return refuse('Too many certificates');
    },
  }),
  airlineTool(transferSpec()),
  airlineTool({
    name: 'update_reservation_baggages',
    readOnly: false,
    description: `Change the checked bags of a reservation; each added non-free bag costs $50. ${CONFIRM} Returns the reservation.`,
    parameters: {
      reservation_id: reservationId,
      total_baggages: param.integer({ description: 'The new total number of checked bags.' }),
      nonfree_baggages: param.integer({ description: 'The new number of non-free checked bags.' }),
      payment_id: paymentId,
    },
    run: (state, args) => {
      const target = reservation(state, String(args.reservation_id));
      const owner = user(state, target.user_id);
      const nonfree = Number(args.nonfree_baggages);
      const charge = paymentForUpdate(owner, String(args.payment_id), 50 * Math.max(0, nonfree - target.nonfree_baggages));
      if (charge) target.payment_history.push(charge);
      target.total_baggages = Number(args.total_baggages);
      target.nonfree_baggages = nonfree;
      return json(target);
    },
  }),
  airlineTool({
    name: 'update_reservation_flights',
    readOnly: false,
    description: `Change the flights (and the cabin) of a reservation. Give every flight of the new itinerary, unchanged ones included; an unchanged flight in the same cabin keeps its price. The price difference is paid with, or refunded to, the payment method. ${CONFIRM} Returns the reservation.`,
    parameters: {
      reservation_id: reservationId,
      cabin,
      flights: param.array(flightInfo, { description: 'Every flight of the whole new itinerary, in order.' }),
      payment_id: paymentId,
    },
    run: (state, args) => {
      const flights = models<{ flight_number: string; date: string }>('FlightInfo', args.flights, FLIGHT_INFO);
      const target = reservation(state, String(args.reservation_id));
      const owner = user(state, target.user_id);
      const chosenCabin = String(args.cabin);
      const travellers = target.passengers.length;
      let total = 0;
      const itinerary: ReservationFlight[] = [];
      for (const info of flights) {
        const kept = target.flights.find((entry) => entry.flight_number === info.flight_number && entry.date === info.date && chosenCabin === target.cabin);
        if (kept) {
          total += kept.price * travellers;
          itinerary.push(kept);
          continue;
        }
        const found = flight(state, info.flight_number);
        const instance = flightDate(state, info.flight_number, info.date);
        if (instance.status !== 'available') refuse(`Flight ${info.flight_number} not available on date ${info.date}`);
        if (byCabin(instance.available_seats, chosenCabin) < travellers) refuse(`Not enough seats on flight ${info.flight_number}`);
        const added: ReservationFlight = { flight_number: info.flight_number, origin: found.origin, destination: found.destination, date: info.date, price: byCabin(instance.prices, chosenCabin) };
        total += added.price * travellers;
        itinerary.push(added);
      }
      total -= target.flights.reduce((sum, entry) => sum + entry.price, 0) * travellers;
      const charge = paymentForUpdate(owner, String(args.payment_id), total);
      if (charge) target.payment_history.push(charge);
      target.flights = itinerary;
      target.cabin = chosenCabin as Cabin;
      return json(target);
    },
  }),
  airlineTool({
    name: 'update_reservation_passengers',
    readOnly: false,
    description: `Change the passengers of a reservation (their number cannot change). ${CONFIRM} Returns the reservation.`,
    parameters: { reservation_id: reservationId, passengers: param.array(passenger, { description: 'Every passenger, in the new version.' }) },
    run: (state, args) => {
      const passengers = models<Passenger>('Passenger', args.passengers, PASSENGER);
      const target = reservation(state, String(args.reservation_id));
      if (passengers.length !== target.passengers.length) refuse('Number of passengers does not match');
      target.passengers = passengers.map((entry) => ({ first_name: entry.first_name, last_name: entry.last_name, dob: entry.dob }));
      return json(target);
    },
  }),
  airlineTool({
    name: 'get_flight_status',
    readOnly: true,
    description: 'Get the status of a flight on a date.',
    parameters: { flight_number: param.string({ pattern: ID.flight, description: "The flight number, e.g. 'HAT001'." }), date },
    run: (state, args) => flightDate(state, String(args.flight_number), String(args.date)).status,
  }),
];
