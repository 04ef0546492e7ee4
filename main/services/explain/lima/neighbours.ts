// Which sub-regions touch: the region adjacency graph of a partition (4-connectivity). The cached
// search re-measures the neighbours of a region that has just been placed, because a region's
// contribution changes most when the context right next to it changes.

/** For each region id 0…n−1, the ids of the regions sharing an edge with it, ascending. */
export function regionNeighbours(labels: Int32Array, width: number, n: number): number[][] {
  const sets = Array.from({ length: n }, () => new Set<number>());
  const height = labels.length / width;
  const link = (a: number, b: number) => {
    if (a !== b) {
      sets[a].add(b);
      sets[b].add(a);
    }
  };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      if (x + 1 < width) link(labels[p], labels[p + 1]);
      if (y + 1 < height) link(labels[p], labels[p + width]);
    }
  }
  return sets.map((s) => [...s].sort((a, b) => a - b));
}
