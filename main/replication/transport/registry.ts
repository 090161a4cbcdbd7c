import { EbsDirectTransport } from './ebs-direct.transport';
import type { SnapshotTransport, TransportOptions } from './types';

export { TRANSPORTS, type TransportKind } from './kinds';

/** The block transport of a run (inside the worker: this module loads the EBS client). */
export function createTransport(o: TransportOptions): SnapshotTransport {
  if (o.kind !== 'ebs') throw new Error(`unknown block transport ${String(o.kind)}`);
  return new EbsDirectTransport(o);
}
