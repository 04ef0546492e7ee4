// Balanced Latin squares (Williams 1949, "Experimental designs balanced for the estimation of
// residual effects of treatments", Aust. J. Sci. Res. A 2:149–168): every condition appears in
// every position equally often and, across the rows, follows every other condition equally
// often. n even: n rows; n odd: the square and its mirror image, 2n rows.
export function williamsRows(n: number): number[][] {
  if (n < 1) return [];
  const first = [0];
  for (let j = 1, lo = 1, hi = n - 1; j < n; j++) first.push(j % 2 === 1 ? lo++ : hi--);
  const rows = Array.from({ length: n }, (_, i) => first.map((c) => (c + i) % n));
  return n % 2 === 0 || n === 1 ? rows : [...rows, ...rows.map((r) => [...r].reverse())];
}
