/** Small formatting helpers so every explanation reads the same way. */
const numberFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

export function fmtNumber(n: number): string {
  return numberFormat.format(n);
}

export function quote(s: string): string {
  return `'${s}'`;
}

/** "'a', 'b' or 'c'", shortened to the first few items for long lists. */
export function quoteList(items: readonly (string | number | boolean)[], joiner = 'or', max = 4): string {
  const q = items.slice(0, max).map((i) => quote(String(i)));
  if (items.length > max) return `${q.join(', ')} ${joiner} ${items.length - max} more`;
  if (q.length <= 1) return q.join('');
  return `${q.slice(0, -1).join(', ')} ${joiner} ${q[q.length - 1] ?? ''}`;
}

export const OP_SYMBOL = { gte: '≥', gt: '>', lte: '≤', lt: '<', eq: '=' } as const;
export const OP_NEGATED = { gte: '<', gt: '≤', lte: '>', lt: '≥', eq: '≠' } as const;
