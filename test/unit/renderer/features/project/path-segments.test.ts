import { describe, expect, it } from 'vitest';
import { pathSegments } from '../../../../../renderer/features/project/FileBrowser';

describe('file browser path bar', () => {
  it('splits a POSIX path into clickable parents', () => {
    expect(pathSegments('/srv/data/exports')).toEqual([
      { label: '/', path: '/' },
      { label: 'srv', path: '/srv' },
      { label: 'data', path: '/srv/data' },
      { label: 'exports', path: '/srv/data/exports' },
    ]);
    expect(pathSegments('/')).toEqual([{ label: '/', path: '/' }]);
  });
  it('splits a Windows path from its drive', () => {
    expect(pathSegments('C:\\Users\\ana')).toEqual([
      { label: 'C:\\', path: 'C:\\' },
      { label: 'Users', path: 'C:\\Users' },
      { label: 'ana', path: 'C:\\Users\\ana' },
    ]);
  });
});
