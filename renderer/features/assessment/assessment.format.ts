/** Money as the screens show it: US dollars, cents below $1,000. */
export function formatUsd(x: number): string {
  if (!Number.isFinite(x)) return '—';
  return `$${x.toLocaleString('en-US', { minimumFractionDigits: x < 1000 ? 2 : 0, maximumFractionDigits: x < 1000 ? 2 : 0 })}`;
}
