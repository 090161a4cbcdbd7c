import { describe, expect, it } from 'vitest';
import { formatBytes, formatDistribution, formatKBps, label } from '../../../../renderer/ui/format';

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
  it('shows throughputs in KB/s, MB/s or GB/s (1,024 apart, as vSphere counts)', () => {
    expect(formatKBps(0)).toBe('0 KB/s');
    expect(formatKBps(12.34)).toBe('12.3 KB/s');
    expect(formatKBps(850)).toBe('850 KB/s');
    expect(formatKBps(1023.4)).toBe('1,023 KB/s');
    expect(formatKBps(1024)).toBe('1 MB/s');
    expect(formatKBps(1536)).toBe('1.5 MB/s');
    expect(formatKBps(200 * 1024)).toBe('200 MB/s');
    expect(formatKBps(3.25 * 1024 * 1024)).toBe('3.3 GB/s');
    expect(formatKBps(5000 * 1024 * 1024)).toBe('5,000 GB/s');
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
