import { describe, expect, it } from 'vitest';
import { inventoryChannels } from '../../../../../main/common/ipc/channels/inventory.channels';

describe('inventory channels validate their arguments strictly', () => {
  it('import: 1..64 paths, known kinds only, no extra keys', () => {
    const args = inventoryChannels['inventory.import'].args;
    expect(args.safeParse({ paths: ['/a.xlsx'] }).success).toBe(true);
    expect(args.safeParse({ paths: [] }).success).toBe(false);
    expect(args.safeParse({ paths: [''] }).success).toBe(false);
    expect(args.safeParse({ paths: ['/a'], kind: 'excel' }).success).toBe(false);
    expect(args.safeParse({ paths: ['/a'], shell: true }).success).toBe(false);
    expect(args.safeParse({ paths: Array.from({ length: 65 }, (_, i) => `/f${i}`) }).success).toBe(false);
  });
  it('export: known formats only', () => {
    const args = inventoryChannels['inventory.export'].args;
    expect(args.safeParse({ format: 'mgn-csv', path: '/tmp/x.csv' }).success).toBe(true);
    expect(args.safeParse({ format: 'pdf', path: '/tmp/x.pdf' }).success).toBe(false);
    expect(args.safeParse({ format: 'csv', path: '/tmp/x.csv', ids: [''] }).success).toBe(false);
  });
});
