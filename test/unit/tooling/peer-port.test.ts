// helpers/ports.ts: the ports the peers are started on lie outside the kernel's ephemeral range (no listen(0) or
// outgoing connection of another test file is given them meanwhile) and are locked for this process.
import { readFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { peerPort } from '../../helpers/ports';

const listens = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });

describe('peerPort()', () => {
  it('gives distinct free loopback ports outside the ephemeral range, each locked by this process', async () => {
    const [lo, hi] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number) as [number, number];
    const ports: number[] = [];
    for (let i = 0; i < 20; i++) ports.push(await peerPort());
    expect(new Set(ports).size).toBe(ports.length);
    for (const p of ports) {
      expect(p < lo || p > hi, `port ${p} in the ephemeral range ${lo}-${hi}`).toBe(true);
      expect(await listens(p)).toBe(true);
      expect(readFileSync(path.join(os.tmpdir(), 'mwb-test-ports', `${p}.lock`), 'utf8')).toBe(String(process.pid));
    }
  });
});
