/**
 * The only URLs the app may hand to the OS browser (`shell.openExternal`): AWS documentation and
 * AWS's own pages over https. The host is anchored right after the scheme, so user-info
 * (`https://x@evil`), look-alike hosts and other schemes (file:, smb:, javascript:) never match.
 */
const EXTERNAL_ALLOW_LIST = [/^https:\/\/docs\.aws\.amazon\.com\//, /^https:\/\/aws\.amazon\.com\//];

export function isAllowedExternal(url: string): boolean {
  // eslint-disable-next-line no-control-regex -- control characters are what this refuses
  if (url.length > 2048 || /[\s\\\u0000-\u001f]/.test(url)) return false;
  return EXTERNAL_ALLOW_LIST.some((re) => re.test(url));
}
