/** Money as the screens show it: US dollars with cents, so figures side by side read alike. */
export function formatUsd(x: number): string {
  if (!Number.isFinite(x)) return '—';
  return `$${x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** An hourly price as AWS lists it: up to four decimals ($0.0416), never fewer than two. */
export function formatHourlyUsd(x: number): string {
  if (!Number.isFinite(x)) return '—';
  return `$${x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 4 })}/h`;
}
