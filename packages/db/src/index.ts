export * from './handle';
export * from './migrate';
export { analyzeStaleTables } from './auto-analyze';
export { isDatabaseUnavailable } from './unavailable';
export type * from './schema';
export { sql } from 'kysely';
export type { Kysely, Transaction, Selectable, Insertable, Updateable } from 'kysely';
