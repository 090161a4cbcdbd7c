/**
 * Amazon S3's naming rules for general purpose buckets, as the S3 transport's bucket must follow them: 3–63
 * characters; lowercase letters, digits, dots and hyphens; a letter or digit first and last; no two dots in a row; not
 * an IP address; none of AWS's reserved prefixes (`xn--`, `sthree-`, `amzn-s3-demo-`) or suffixes (`-s3alias`,
 * `--ol-s3`, `.mrap`, `--x-s3`, `--table-s3`). Answers why a name breaks them, in words, or null when it is valid.
 */
export function s3BucketNameProblem(name: string): string | null {
  if (name.length === 0) return 'Give the S3 bucket the disks are staged in.';
  if (name.length < 3 || name.length > 63) return 'An S3 bucket name is 3 to 63 characters long.';
  if (/[A-Z]/.test(name)) return 'An S3 bucket name has no capital letters.';
  if (!/^[a-z0-9.-]+$/.test(name)) return 'An S3 bucket name has only lowercase letters, digits, dots (.) and hyphens (-).';
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name)) return 'An S3 bucket name begins and ends with a letter or a digit.';
  if (name.includes('..')) return 'An S3 bucket name has no two dots in a row.';
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) return 'An S3 bucket name is not an IP address.';
  const prefix = ['xn--', 'sthree-', 'amzn-s3-demo-'].find((p) => name.startsWith(p));
  if (prefix) return `S3 bucket names beginning with "${prefix}" are reserved by AWS.`;
  const suffix = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'].find((s) => name.endsWith(s));
  if (suffix) return `S3 bucket names ending with "${suffix}" are reserved by AWS.`;
  return null;
}
