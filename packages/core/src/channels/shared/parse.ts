import { EarshotError } from '@earshot/domain';
import type { z } from 'zod';

function issuePaths(error: z.ZodError): string[] {
  return error.issues.map((issue) => (issue.path.length > 0 ? issue.path.join('.') : '(root)'));
}

/** Parse a provider payload at the edge; the error names the fields at fault, never their values. */
export function parsePayload<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const fields = issuePaths(result.error);
  throw new EarshotError('EARSHOT_VALIDATION', `${what} has an unexpected shape`, {
    field: fields[0],
    details: { fields: fields.slice(0, 10) },
  });
}

/**
 * Parsed configurations by schema and by the configuration object. A channel's settings and
 * credentials are one object for as long as the channel service caches the channel, and a webhook
 * delivery reads them several times: each object is parsed once per schema. Callers treat the
 * result as read-only.
 */
const parsedConfigs = new WeakMap<z.ZodType, WeakMap<object, unknown>>();

/** Parse channel settings or credentials; values are secrets, so only field names are reported. */
export function parseConfig<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
  const byValue = value !== null && typeof value === 'object' ? parsedConfigs.get(schema) ?? new WeakMap<object, unknown>() : null;
  if (byValue && byValue.has(value as object)) return byValue.get(value as object) as z.output<T>;
  const result = schema.safeParse(value);
  if (result.success) {
    if (byValue) {
      byValue.set(value as object, result.data);
      parsedConfigs.set(schema, byValue);
    }
    return result.data;
  }
  const fields = issuePaths(result.error);
  throw new EarshotError('EARSHOT_CONFIG', `${what} are incomplete or invalid: ${fields.join(', ')}`, {
    details: { fields },
  });
}
