/**
 * The transports `mwb replicate --transport` and the service know, by name: `ebs` sends blocks to EBS snapshots
 * (EbsDirectTransport, engine/run-disk.ts); `s3` stages the disk as one object for VM Import (S3StagingTransport,
 * engine/run-disk-s3.ts). No SDK here: the main process names transports without loading a client.
 */
export const TRANSPORTS = {
  ebs: { label: 'EBS direct APIs', carries: 'snapshot' },
  s3: { label: 'S3 + VM Import', carries: 'object' },
} as const;

export type TransportKind = keyof typeof TRANSPORTS;
