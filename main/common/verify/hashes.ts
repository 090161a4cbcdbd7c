/** Digest algorithms the workbench computes for every verified file (one read, all four). */
export const HASH_ALGORITHMS = ['md5', 'sha1', 'sha256', 'sha512'] as const;
export type HashAlgorithm = (typeof HASH_ALGORITHMS)[number];
export type FileHashes = Partial<Record<HashAlgorithm, string>>;

/** What a verification computes unless told otherwise: what AWS publishes for its scripts (plus any algorithm a checksum file names). */
export const DEFAULT_VERIFY_HASHES: readonly HashAlgorithm[] = ['md5', 'sha256'];

/** Hex length of each digest: used to tell a wrong-length sidecar from a mismatching one. */
export const HEX_LENGTH: Record<HashAlgorithm, number> = { md5: 32, sha1: 40, sha256: 64, sha512: 128 };

export const HASH_LABEL: Record<HashAlgorithm, string> = { md5: 'MD5', sha1: 'SHA-1', sha256: 'SHA-256', sha512: 'SHA-512' };

/** Maps the algorithm names people write (BSD tags, openssl, Get-FileHash, OVF manifests) to ours. */
export function algorithmFromName(name: string): HashAlgorithm | null {
  const n = name.toUpperCase().replace(/[-_ ]/g, '');
  switch (n) {
    case 'MD5':
      return 'md5';
    case 'SHA1':
      return 'sha1';
    case 'SHA256':
    case 'SHA2256':
      return 'sha256';
    case 'SHA512':
    case 'SHA2512':
      return 'sha512';
    default:
      return null;
  }
}

export function algorithmFromHexLength(len: number): HashAlgorithm | null {
  for (const [a, l] of Object.entries(HEX_LENGTH)) if (l === len) return a as HashAlgorithm;
  return null;
}
