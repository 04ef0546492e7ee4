// A job's progress in words. Counted steps read "3 of 4"; a search that reports fractional steps
// (LiMA's done is an estimate such as 2.139130434782609 of 4) reads as a whole percentage.

export function progressText(done: number, total: number): string {
  if (!(total > 0) || !Number.isFinite(done)) return '';
  const d = Math.min(Math.max(done, 0), total);
  if (Number.isInteger(d) && Number.isInteger(total)) return `${d} of ${total}`;
  return `${Math.floor((100 * d) / total)} %`;
}
