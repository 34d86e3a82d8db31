import { readFileSync } from 'node:fs';
import type { PersonalDataFinding, PersonalDataKind } from '../src/personal-data';

export interface LabelledReply { id: string; text: string; findings: { kind: PersonalDataKind; value: string }[] }

export function loadReplies(): LabelledReply[] {
  return JSON.parse(readFileSync(new URL('./fixtures/personal-data/replies.json', import.meta.url), 'utf8')) as LabelledReply[];
}

export interface GuardScore {
  replies: { tp: number; fp: number; fn: number; tn: number; precision: number; recall: number };
  findings: { tp: number; fp: number; fn: number; precision: number; recall: number };
  /** Findings of the right stretch of text but the wrong kind (an IBAN called a card). */
  wrongKind: number;
  mistakes: string[];
}

const ratio = (a: number, b: number) => (b === 0 ? 1 : a / b);

/**
 * Reply level: is the reply flagged at all (what blocks the Send button). Finding level: a finding
 * is right when it overlaps a labelled value and names its kind; each labelled value counts once.
 */
export function scoreGuard(replies: LabelledReply[], scan: (text: string) => Pick<PersonalDataFinding, 'kind' | 'match'>[]): GuardScore {
  const r = { tp: 0, fp: 0, fn: 0, tn: 0 };
  const f = { tp: 0, fp: 0, fn: 0 };
  let wrongKind = 0;
  const mistakes: string[] = [];
  for (const reply of replies) {
    const found = scan(reply.text).map((x) => {
      const start = reply.text.indexOf(x.match);
      return { ...x, start, end: start + x.match.length };
    });
    const positive = reply.findings.length > 0;
    if (positive && found.length) r.tp++; else if (positive) r.fn++; else if (found.length) r.fp++; else r.tn++;
    const used = new Set<number>();
    for (const x of found) {
      const i = reply.findings.findIndex((l, j) => {
        const s = reply.text.indexOf(l.value);
        return !used.has(j) && x.start < s + l.value.length && s < x.end;
      });
      const label = reply.findings[i];
      if (label && label.kind === x.kind) { f.tp++; used.add(i); continue; }
      if (label) wrongKind++;
      f.fp++;
      mistakes.push(`${reply.id} flagged ${x.kind} "${x.match}"${label ? ` (is ${label.kind})` : ''}`);
    }
    reply.findings.forEach((l, j) => { if (!used.has(j)) { f.fn++; mistakes.push(`${reply.id} missed ${l.kind} "${l.value}"`); } });
  }
  return {
    replies: { ...r, precision: ratio(r.tp, r.tp + r.fp), recall: ratio(r.tp, r.tp + r.fn) },
    findings: { ...f, precision: ratio(f.tp, f.tp + f.fp), recall: ratio(f.tp, f.tp + f.fn) },
    wrongKind, mistakes,
  };
}
