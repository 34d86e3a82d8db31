import { readTriage } from '../api/triage';
import { Badge, type Tone } from '../ui/ui';

const sentimentTone: Record<string, Tone> = { negative: 'bad', neutral: 'neutral', positive: 'good' };
const priorityTone: Record<string, Tone> = { urgent: 'bad', high: 'warn', normal: 'neutral', low: 'neutral' };

export function PriorityBadge({ priority }: { priority: string }) {
  if (priority === 'normal') return null;
  return <Badge tone={priorityTone[priority] ?? 'neutral'}>{priority}</Badge>;
}

export function TriageBadges({ triage, compact }: { triage: Record<string, unknown> | null; compact?: boolean }) {
  const t = readTriage(triage);
  if (!t) return null;
  const sentiment = t.corrected.sentiment ?? t.sentiment?.value;
  const intent = t.corrected.intent ?? t.intent?.value;
  const topic = t.corrected.topic ?? t.topic?.value;
  return (
    <>
      {sentiment && sentiment !== 'neutral' ? <Badge tone={sentimentTone[sentiment] ?? 'neutral'} title={`Sentiment: ${sentiment}`}>{sentiment}</Badge> : null}
      {intent && intent !== 'other' ? <Badge tone="info" title={`Intent: ${intent}`}>{intent}</Badge> : null}
      {topic && topic !== 'null' && !/^can'?t tell$/i.test(topic) ? <Badge tone="accent" title={`Topic: ${topic}`}>{topic}</Badge> : null}
      {!compact && t.urgency && t.urgency.score >= 60 ? <Badge tone="bad" title={t.urgency.reasons.join('; ')}>urgent risk</Badge> : null}
    </>
  );
}
