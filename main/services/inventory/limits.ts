/**
 * Bounds that keep a hostile or broken file from exhausting the laptop. Real RVTools exports of
 * 20,000 VMs are ~30 MiB zipped and a few hundred MiB of XML, far inside these.
 */
export interface ImportLimits {
  /** Largest input file read at all. */
  maxFileBytes: number;
  /** Largest total uncompressed size of the zip entries we read (zip-bomb guard). */
  maxUncompressedBytes: number;
  /** Largest compression ratio of one entry (zip-bomb guard). */
  maxRatio: number;
  /** Most data rows per sheet or CSV file. */
  maxRows: number;
}

export const DEFAULT_LIMITS: ImportLimits = {
  maxFileBytes: 150 * 1024 * 1024,
  maxUncompressedBytes: 1024 * 1024 * 1024,
  maxRatio: 200,
  maxRows: 1_000_000,
};
