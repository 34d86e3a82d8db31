// Triage labels arrive as stored JSON ({value, confidence, reasons} per label); the desk reads them
// defensively so an older or newer model's output still renders instead of breaking the screen.

export interface Label { value: string; confidence: number | null; reasons: string[] }
export interface TriageLabels {
  sentiment: Label | null;
  topic: Label | null;
  intent: Label | null;
  needsResponse: Label | null;
  language: Label | null;
  urgency: { score: number; reasons: string[] } | null;
  corrected: Record<string, string>;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').slice(0, 10) : []);

function label(v: unknown): Label | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number') return { value: String(v), confidence: null, reasons: [] };
  if (!isObj(v) || v.value === null || v.value === undefined) return null;
  return { value: String(v.value), confidence: typeof v.confidence === 'number' ? v.confidence : null, reasons: strings(v.reasons) };
}

export function readTriage(raw: Record<string, unknown> | null | undefined): TriageLabels | null {
  if (!raw || !isObj(raw) || Object.keys(raw).length === 0) return null;
  const u = raw.urgency;
  const corrections = isObj(raw.corrections) ? raw.corrections : {};
  const corrected: Record<string, string> = {};
  for (const [k, v] of Object.entries(corrections)) {
    const l = label(v);
    if (l) corrected[k] = l.value;
  }
  return {
    sentiment: label(raw.sentiment), topic: label(raw.topic), intent: label(raw.intent), needsResponse: label(raw.needsResponse), language: label(raw.language),
    urgency: isObj(u) && typeof u.score === 'number' ? { score: u.score, reasons: strings(u.reasons) } : null,
    corrected,
  };
}

export const CORRECTABLE = {
  sentiment: ['negative', 'neutral', 'positive'],
  intent: ['complaint', 'question', 'praise', 'feedback', 'spam', 'other'],
  needsResponse: ['true', 'false'],
  topic: [] as string[],
} as const;
export type CorrectableLabel = keyof typeof CORRECTABLE;
