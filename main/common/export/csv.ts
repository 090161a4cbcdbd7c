/** RFC 4180 CSV: fields with a comma, quote or line break are quoted; quotes doubled; CRLF line ends. */
export function toCsv(header: readonly string[], rows: readonly (readonly (string | number | boolean | undefined | null)[])[]): string {
  const cell = (v: string | number | boolean | undefined | null) => {
    const s = v === undefined || v === null ? '' : String(v);
    // A leading = + - @ would run as a formula in a spreadsheet; a quote mark keeps it text.
    const safe = /^[=+\-@]/.test(s) && !/^-?\d/.test(s) ? `'${s}` : s;
    return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  return [header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}
