// Open-addressing hash table from a feature hash to its row in the weight matrix.

export function buildTable(keys: Uint32Array): Int32Array {
  let size = 1;
  while (size < keys.length * 2) size <<= 1;
  const table = new Int32Array(Math.max(size, 2));
  const mask = table.length - 1;
  for (let i = 0; i < keys.length; i++) {
    let slot = mix(keys[i] as number) & mask;
    while (table[slot] !== 0) slot = (slot + 1) & mask;
    table[slot] = i + 1;
  }
  return table;
}

function mix(h: number): number {
  return Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) ^ (h >>> 13);
}

/** Row index of `hash`, or -1. */
export function lookup(table: Int32Array, keys: Uint32Array, hash: number): number {
  const mask = table.length - 1;
  let slot = mix(hash) & mask;
  for (;;) {
    const v = table[slot] as number;
    if (v === 0) return -1;
    if (keys[v - 1] === hash) return v - 1;
    slot = (slot + 1) & mask;
  }
}
