/**
 * An IPC call is trusted only when it comes from the window's top frame and that frame shows our
 * own renderer (the file:// folder we loaded). Subframes, other windows and navigated-away pages are refused.
 */
export function isTrustedSender(sender: { frameUrl: string | undefined; isMainFrame: boolean }, appOrigin: string): boolean {
  if (!sender.isMainFrame || !sender.frameUrl) return false;
  const origin = appOrigin.endsWith('/') ? appOrigin : `${appOrigin}/`;
  if (!sender.frameUrl.startsWith(origin)) return false;
  // No way back out of the renderer folder through dot segments or encoded separators.
  const rest = sender.frameUrl.slice(origin.length);
  return !/(^|\/)\.\.(\/|$)|%2e|%2f|%5c/i.test(rest);
}
