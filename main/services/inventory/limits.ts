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
  /**
   * Most memory the shared strings of a workbook may take once read (UTF-16 text plus ~32 bytes
   * per string). A 20,000-VM RVTools export needs well under 64 MiB; past this bound the import stops.
   */
  maxSharedStringsBytes: number;
}

export const DEFAULT_LIMITS: ImportLimits = {
  maxFileBytes: 150 * 1024 * 1024,
  maxUncompressedBytes: 1024 * 1024 * 1024,
  maxRatio: 200,
  maxRows: 1_000_000,
  maxSharedStringsBytes: 256 * 1024 * 1024,
};
