import { EbsDirectTransport } from './ebs-direct.transport';
import type { SnapshotTransport, TransportOptions } from './types';

/** The transports `mwb replicate --transport` and the service know, by name. */
export const TRANSPORTS = {
  ebs: { label: 'EBS direct APIs', create: (o: TransportOptions): SnapshotTransport => new EbsDirectTransport(o) },
} as const satisfies Record<TransportOptions['kind'], { label: string; create: (o: TransportOptions) => SnapshotTransport }>;

export type TransportKind = keyof typeof TRANSPORTS;

export function createTransport(o: TransportOptions): SnapshotTransport {
  const t = TRANSPORTS[o.kind];
  if (!t) throw new Error(`unknown transport ${String(o.kind)}`);
  return t.create(o);
}
