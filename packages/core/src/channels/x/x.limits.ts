import { LimitsStore } from '../shared/limits-store';

/** X allowances reported to this process, shared by the driver's sends and mention polling. */
export const xLimits = new LimitsStore();
