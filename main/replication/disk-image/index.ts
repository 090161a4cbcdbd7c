export type { DiskExtent, DiskImage, DiskImageFormat } from './types';
export { DiskImageError, type DiskImageErrorCode } from './errors';
export { openDiskImage, probeDiskImageFormat, DEFAULT_MAX_CHAIN_DEPTH, type OpenDiskImageOptions } from './open-disk-image';
export { blocks, allocatedBlocks, hashDiskImage, blockChecksum, EBS_BLOCK_SIZE, type DiskBlock, type DiskImageManifest, type BlocksOptions, type HashOptions } from './blocks';
export { listOvaMembers, type OvaMember } from './ova.reader';
