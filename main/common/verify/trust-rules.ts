/**
 * Domain rules about trust input, shared by main (which enforces them) and the renderer (which uses them to enable
 * buttons and sort dropped files): the screen must not keep its own copy.
 */

/** A certificate thumbprint as people paste it (spaces or colons allowed): SHA-1 (40 hex) or SHA-256 (64 hex). */
export function thumbprintHex(text: string): string | null {
  const hex = text.replace(/[\s:]/g, '').toUpperCase();
  return /^([0-9A-F]{40}|[0-9A-F]{64})$/.test(hex) ? hex : null;
}

/** File names that hold certificates or CRLs rather than something to verify. */
export const TRUST_FILE_SUFFIX = /\.(pem|crt|cer|der|crl)$/i;

/**
 * What a dropped trust file is: a CRL (by its PEM label or .crl name) or a certificate to trust; null when the name
 * says it is something to verify. `head` is the file's first few KiB as text.
 */
export function trustFileKind(name: string, head: string): 'root' | 'crl' | null {
  if (!TRUST_FILE_SUFFIX.test(name)) return null;
  return /-----BEGIN X509 CRL-----/.test(head) || /\.crl$/i.test(name) ? 'crl' : 'root';
}
