import { describe, expect, it } from 'vitest';
import { isTrustedSender } from '../../../../main/ipc/trusted-sender';

const origin = 'file:///opt/Migration%20Workbench/resources/app.asar/out/renderer';

describe('IPC trusted sender', () => {
  it('trusts our renderer in the top frame', () => {
    expect(isTrustedSender({ frameUrl: `${origin}/index.html`, isMainFrame: true }, origin)).toBe(true);
  });
  const refused: Array<[{ frameUrl: string | undefined; isMainFrame: boolean }, string]> = [
    [{ frameUrl: `${origin}/index.html`, isMainFrame: false }, 'a subframe'],
    [{ frameUrl: undefined, isMainFrame: true }, 'a destroyed frame'],
    [{ frameUrl: 'https://evil.example/', isMainFrame: true }, 'a remote page'],
    [{ frameUrl: `${origin}-evil/index.html`, isMainFrame: true }, 'a sibling folder with the same prefix'],
    [{ frameUrl: `${origin}/../../secrets.html`, isMainFrame: true }, 'a dot-dot path'],
    [{ frameUrl: `${origin}/%2e%2e/x.html`, isMainFrame: true }, 'an encoded dot-dot path'],
    [{ frameUrl: 'file:///tmp/index.html', isMainFrame: true }, 'another local file'],
  ];
  it.each(refused)('refuses %j (%s)', (sender) => {
    expect(isTrustedSender(sender, origin)).toBe(false);
  });
});
