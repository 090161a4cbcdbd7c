import { describe, expect, it } from 'vitest';
import { isAllowedExternal } from '../../../../../main/common/util/external-links';

describe('openExternal allow-list', () => {
  it('allows AWS documentation over https', () => {
    expect(isAllowedExternal('https://docs.aws.amazon.com/mgn/latest/ug/what-is-application-migration-service.html')).toBe(true);
    expect(isAllowedExternal('https://aws.amazon.com/application-migration-service/')).toBe(true);
  });
  it.each([
    'http://docs.aws.amazon.com/x',
    'https://docs.aws.amazon.com.evil.example/x',
    'https://evil.example/?https://docs.aws.amazon.com/',
    'https://user:pw@docs.aws.amazon.com/x',
    'https://docs.aws.amazon.com\\@evil.example/',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'smb://server/share',
    'not a url',
  ])('refuses %s', (url) => {
    expect(isAllowedExternal(url)).toBe(false);
  });
});
