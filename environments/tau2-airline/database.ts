/**
 * tau2-bench's airline database (src/tau2/domains/airline/data_model.py) as zod schemas, fields in the
 * models' order (records print as tau2 prints them, whatever the order in db.json), optional fields
 * defaulting to null as in the pydantic models.
 */
import { z } from 'zod';

export const CABINS = ['business', 'economy', 'basic_economy'] as const;
export const FLIGHT_TYPES = ['round_trip', 'one_way'] as const;
export const INSURANCE = ['yes', 'no'] as const;

const seatsSchema = z.partialRecord(z.enum(CABINS), z.number().int());

const flightDateSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('available'), available_seats: seatsSchema, prices: seatsSchema }),
  z.object({ status: z.literal('landed'), actual_departure_time_est: z.string(), actual_arrival_time_est: z.string() }),
  z.object({ status: z.literal('cancelled') }),
  z.object({ status: z.literal('delayed'), estimated_departure_time_est: z.string(), estimated_arrival_time_est: z.string() }),
  z.object({ status: z.literal('flying'), actual_departure_time_est: z.string(), estimated_arrival_time_est: z.string() }),
  z.object({ status: z.literal('on time'), estimated_departure_time_est: z.string(), estimated_arrival_time_est: z.string() }),
]);

const flightSchema = z.object({
  flight_number: z.string(),
  origin: z.string(),
  destination: z.string(),
  scheduled_departure_time_est: z.string(),
  scheduled_arrival_time_est: z.string(),
  dates: z.record(z.string(), flightDateSchema),
});

const passengerSchema = z.object({ first_name: z.string(), last_name: z.string(), dob: z.string() });

const paymentMethodSchema = z.discriminatedUnion('source', [
  z.object({ source: z.literal('credit_card'), id: z.string(), brand: z.string(), last_four: z.string() }),
  z.object({ source: z.literal('gift_card'), id: z.string(), amount: z.number() }),
  z.object({ source: z.literal('certificate'), id: z.string(), amount: z.number() }),
]);

const userSchema = z.object({
  user_id: z.string(),
  name: z.object({ first_name: z.string(), last_name: z.string() }),
  address: z.object({
    address1: z.string(),
    address2: z.string().nullable().default(null),
    city: z.string(),
    country: z.string(),
    state: z.string(),
    zip: z.string(),
  }),
  email: z.string(),
  dob: z.string(),
  payment_methods: z.record(z.string(), paymentMethodSchema),
  saved_passengers: z.array(passengerSchema),
  membership: z.enum(['gold', 'silver', 'regular']),
  reservations: z.array(z.string()),
});

const reservationFlightSchema = z.object({
  flight_number: z.string(),
  origin: z.string(),
  destination: z.string(),
  date: z.string(),
  price: z.number().int(),
});

const reservationSchema = z.object({
  reservation_id: z.string(),
  user_id: z.string(),
  origin: z.string(),
  destination: z.string(),
  flight_type: z.enum(FLIGHT_TYPES),
  cabin: z.enum(CABINS),
  flights: z.array(reservationFlightSchema),
  passengers: z.array(passengerSchema),
  payment_history: z.array(z.object({ payment_id: z.string(), amount: z.number().int() })),
  created_at: z.string(),
  total_baggages: z.number().int(),
  nonfree_baggages: z.number().int(),
  insurance: z.enum(INSURANCE),
  status: z.literal('cancelled').nullable().default(null),
});

/** The whole database; like tau2's DB base model, it allows no other top-level keys. */
export const airlineDatabaseSchema = z.strictObject({
  flights: z.record(z.string(), flightSchema),
  users: z.record(z.string(), userSchema),
  reservations: z.record(z.string(), reservationSchema),
});

export type AirlineDatabase = z.infer<typeof airlineDatabaseSchema>;
export type Flight = z.infer<typeof flightSchema>;
export type FlightDate = z.infer<typeof flightDateSchema>;
export type AirlineUser = z.infer<typeof userSchema>;
export type Reservation = z.infer<typeof reservationSchema>;
export type ReservationFlight = z.infer<typeof reservationFlightSchema>;
export type Passenger = z.infer<typeof passengerSchema>;
export type Cabin = (typeof CABINS)[number];
