import { describe, expect, it } from 'vitest';
import { formatBytes, formatDistribution, label } from '../../../../renderer/ui/format';

describe('format', () => {
  it('shows small files in bytes and larger ones in binary units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(312)).toBe('312 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1024)).toBe('1.0 KiB');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(200 * 1024)).toBe('200 KiB');
    expect(formatBytes(5 * 1024 * 1024)).toBe('5.0 MiB');
    expect(formatBytes(3 * 1024 ** 4)).toBe('3.0 TiB');
  });
  it('labels enum values in words and keeps values it does not know', () => {
    expect(label('power', 'poweredOn')).toBe('On');
    expect(label('osFamily', 'windows')).toBe('Windows');
    expect(label('vmManagerType', 'vsphere')).toBe('VMware vSphere');
    expect(label('firmware', 'efi')).toBe('UEFI');
    expect(label('sourceKind', 'sms-json')).toBe('AWS SMS GetServers JSON');
    expect(label('vmManagerType', 'vcenter01.corp')).toBe('vcenter01.corp');
    expect(label('power', '')).toBe('—');
  });
  it('describes a mixed selection by its distribution, most common first', () => {
    expect(formatDistribution(['m7i.large', 'r6i.xlarge', 'm7i.large', undefined], ['type', 'types'])).toBe('3 types: m7i.large ×2, none ×1, r6i.xlarge ×1');
    expect(formatDistribution(['a', 'a'], ['type', 'types'])).toBe('1 type: a ×2');
    expect(formatDistribution(['a', 'b', 'c', 'd', 'e', 'f'], ['type', 'types'], 4)).toBe('6 types: a ×1, b ×1, c ×1, d ×1, 2 more');
  });
});
