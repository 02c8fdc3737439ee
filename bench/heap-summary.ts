/**
 * What holds a heap: reads a V8 heap snapshot (`v8.writeHeapSnapshot`) and sums the self size of
 * its objects by constructor (or type, for strings, arrays and code), largest first. Self sizes,
 * not retained sizes: enough to see which kind of object the memory goes to.
 */
import { readFileSync } from 'node:fs';

interface HeapSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] }; node_count: number };
  nodes: number[];
  strings: string[];
}

export function summariseHeapSnapshot(file: string, top: number): string[] {
  const heap = JSON.parse(readFileSync(file, 'utf8')) as HeapSnapshot;
  const fields = heap.snapshot.meta.node_fields;
  const typeNames = heap.snapshot.meta.node_types[0];
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((field) => fields.indexOf(field)) as [number, number, number];
  const bytesByKind = new Map<string, { bytes: number; count: number }>();
  let total = 0;
  for (let offset = 0; offset < heap.nodes.length; offset += fields.length) {
    const type = typeNames[heap.nodes[offset + typeAt]!]!;
    // Objects by constructor name; everything else (strings, arrays, code, …) by its type.
    const kind = type === 'object' || type === 'closure' ? `${type} ${heap.strings[heap.nodes[offset + nameAt]!]}` : type;
    const size = heap.nodes[offset + sizeAt]!;
    const entry = bytesByKind.get(kind) ?? { bytes: 0, count: 0 };
    entry.bytes += size;
    entry.count++;
    bytesByKind.set(kind, entry);
    total += size;
  }
  const rows = [...bytesByKind].sort((a, b) => b[1].bytes - a[1].bytes).slice(0, top);
  return [
    `heap snapshot: ${(total / 2 ** 20).toFixed(1)} MiB in ${heap.snapshot.node_count} objects; largest kinds by self size:`,
    ...rows.map(([kind, { bytes, count }]) => `  ${(bytes / 2 ** 20).toFixed(1).padStart(8)} MiB  ${String(count).padStart(9)}  ${kind}`),
  ];
}
