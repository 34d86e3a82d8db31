export * from './instant';
export { isValidTimeZone, wallTimeToInstant, localDateOf, offsetAt, type LocalDate } from './time-zone';
export * from './business-hours.schema';
export { openIntervalsOn, type Interval } from './business-calendar';
export * from './business-time';
export * from './policy.schema';
export * from './events';
export * from './clock';
export * from './escalation';
