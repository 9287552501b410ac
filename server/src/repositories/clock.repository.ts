/** The clock behind an interface, so services and jobs can be tested at a chosen time. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
