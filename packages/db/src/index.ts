export * from './handle';
export * from './migrate';
export type * from './schema';
export { sql } from 'kysely';
export type { Kysely, Transaction, Selectable, Insertable, Updateable } from 'kysely';
