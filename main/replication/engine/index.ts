export { runReplicationJob, type ReplicationJobRequest } from './job';
export type { S3DiskRunRequest, S3DiskRunResult, StagingSweep } from './run-disk-s3';
export type { S3TransportOptions } from '../transport/s3.transport';
export type { DiskRunRequest, DiskRunResult, DiskRunStatus, ReplicationProgress, ReplicationStage } from './run-disk';
export { Journal, diskState, decodeJournal, encodeRecord, type JournalRecord } from './journal';
export { readManifest, writeManifest, type BlockManifest } from './manifest';
// No AWS SDK on this path: the main process imports this index to start a job; the clients load in the worker.
export { TRANSPORTS, type TransportKind } from '../transport/kinds';
export type { TransportOptions } from '../transport/types';
