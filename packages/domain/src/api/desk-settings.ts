import { z } from 'zod';

/**
 * A brand's desk settings. `autoAwayMinutes`: a signed-in agent who is online and has not touched
 * the desk for that long is set to away (and back online when they return); null: never.
 */
export const DeskSettings = z.object({ autoAwayMinutes: z.number().int().min(1).max(480).nullable() });
export type DeskSettings = z.infer<typeof DeskSettings>;
export const DEFAULT_DESK_SETTINGS: DeskSettings = { autoAwayMinutes: null };
