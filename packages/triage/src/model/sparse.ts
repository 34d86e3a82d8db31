// Rows as sparse index lists over a pruned vocabulary of feature hashes.

export interface SparseRows {
  idx: Int32Array[];
  /** Per-row feature value: 1/sqrt(number of features), so long and short texts weigh alike. */
  value: Float32Array;
}

/** Keeps hashes seen in at least `minDf` rows (weighted rows count once); returns sorted keys. */
export function buildVocabulary(hashLists: readonly number[][], minDf: number, maxFeatures: number): Uint32Array {
  const df = new Map<number, number>();
  for (const hashes of hashLists) {
    const seen = new Set(hashes);
    for (const h of seen) df.set(h, (df.get(h) ?? 0) + 1);
  }
  let kept = [...df.entries()].filter(([, n]) => n >= minDf);
  if (kept.length > maxFeatures) {
    kept.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    kept = kept.slice(0, maxFeatures);
  }
  return Uint32Array.from(kept.map(([h]) => h)).sort();
}

export function toSparse(hashLists: readonly number[][], keys: Uint32Array): SparseRows {
  const index = new Map<number, number>();
  keys.forEach((h, i) => index.set(h, i));
  const idx: Int32Array[] = [];
  const value = new Float32Array(hashLists.length);
  hashLists.forEach((hashes, r) => {
    const row: number[] = [];
    for (const h of hashes) {
      const i = index.get(h);
      if (i !== undefined) row.push(i);
    }
    idx.push(Int32Array.from(row));
    value[r] = row.length > 0 ? 1 / Math.sqrt(row.length) : 0;
  });
  return { idx, value };
}
