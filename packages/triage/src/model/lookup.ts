// Open-addressing hash table from a feature hash to its row in the weight matrix. Each slot holds
// the key and the row side by side ([key, row + 1], 0 = empty), so a probe touches one cache line.

export function buildTable(keys: Uint32Array): Int32Array {
  let size = 1;
  while (size < keys.length * 2) size <<= 1;
  size = Math.max(size, 2);
  const table = new Int32Array(size * 2);
  const mask = size - 1;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as number;
    let slot = mix(key) & mask;
    while (table[slot * 2 + 1] !== 0) slot = (slot + 1) & mask;
    table[slot * 2] = key | 0;
    table[slot * 2 + 1] = i + 1;
  }
  return table;
}

function mix(h: number): number {
  return Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) ^ (h >>> 13);
}

/** Row index of `hash`, or -1. (`keys` is unused since the table holds the keys; kept for callers.) */
export function lookup(table: Int32Array, _keys: Uint32Array, hash: number): number {
  const mask = (table.length >> 1) - 1;
  const key = hash | 0;
  let slot = mix(hash >>> 0) & mask;
  for (;;) {
    const row = table[slot * 2 + 1] as number;
    if (row === 0) return -1;
    if (table[slot * 2] === key) return row - 1;
    slot = (slot + 1) & mask;
  }
}
