import { EbsDirectTransport } from './ebs-direct.transport';
import type { SnapshotTransport, TransportOptions } from './types';

/**
 * The transports `mwb replicate --transport` and the service know, by name: `ebs` sends blocks to EBS snapshots
 * (EbsDirectTransport, engine/run-disk.ts); `s3` stages the disk as one object for VM Import (S3StagingTransport,
 * engine/run-disk-s3.ts).
 */
export const TRANSPORTS = {
  ebs: { label: 'EBS direct APIs', carries: 'snapshot' },
  s3: { label: 'S3 + VM Import', carries: 'object' },
} as const;

export type TransportKind = keyof typeof TRANSPORTS;

export function createTransport(o: TransportOptions): SnapshotTransport {
  if (o.kind !== 'ebs') throw new Error(`unknown block transport ${String(o.kind)}`);
  return new EbsDirectTransport(o);
}
