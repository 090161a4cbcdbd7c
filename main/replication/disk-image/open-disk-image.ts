import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { FileSource, readAt, type ByteSource } from './byte-source';
import { DiskImageError, fail } from './errors';
import type { MappedImage } from './mapped-image';
import type { OpenContext } from './open-context';
import { isTarHeader, openOvaDisk } from './ova.reader';
import { Qcow2Image } from './qcow2.reader';
import { fileDataRanges } from '../../platform/file-data-ranges';
import { RawImage } from './raw.reader';
import type { DiskImageFormat } from './types';
import { isVhdFooter, VhdImage } from './vhd.reader';
import { VhdxImage } from './vhdx.reader';
import { VmdkImage, VMDK_MAGIC } from './vmdk.reader';

export interface OpenDiskImageOptions {
  /** Skip probing (e.g. 'raw' for a file that happens to look like something else). */
  readonly format?: DiskImageFormat;
  /** OVA only: the member to open (default: the first .vmdk). */
  readonly disk?: string;
  /** Longest backing chain accepted below the image (default 16). */
  readonly maxChainDepth?: number;
}

export const DEFAULT_MAX_CHAIN_DEPTH = 16;

/** Recognises a format by its magic numbers (a fixed VHD only by the footer at its end); anything else is raw. */
export async function probeDiskImageFormat(src: ByteSource): Promise<DiskImageFormat> {
  const head = await readAt(src, 0, Math.min(src.size, 512), 'image header');
  const ascii = head.toString('latin1');
  if (head.length >= 4 && head.readUInt32BE(0) === 0x514649fb) return 'qcow2';
  if (head.length >= 4 && head.readUInt32LE(0) === VMDK_MAGIC) return 'vmdk';
  if (ascii.startsWith('vhdxfile')) return 'vhdx';
  if (isVhdFooter(head)) return 'vhd';
  if (/^# Disk DescriptorFile/.test(ascii)) return 'vmdk';
  if (isTarHeader(head)) return 'ova';
  if (head.length >= 4 && head.readUInt32BE(0) === 0x514649fb - 0xfb) fail('unsupported-format', 'QED images are not supported');
  if (ascii.startsWith('COWD')) fail('unsupported-format', 'VMware 3 (COWD) disks are not supported');
  if (head.length >= 0x44 && head.readUInt32LE(0x40) === 0xbeda107f) fail('unsupported-format', 'VirtualBox VDI images are not supported');
  if (src.size >= 1024 && isVhdFooter(await readAt(src, src.size - 512, 512, 'image footer'))) return 'vhd';
  return 'raw';
}

/**
 * Opens a disk image of any supported format as a logical block device. Backing and parent files are opened relative
 * to the image that names them; loops and chains deeper than `maxChainDepth` are refused.
 */
export async function openDiskImage(file: string, options: OpenDiskImageOptions = {}): Promise<MappedImage> {
  const maxDepth = options.maxChainDepth ?? DEFAULT_MAX_CHAIN_DEPTH;
  return openChained(path.resolve(file), options.format, options.disk, [], maxDepth);
}

async function openChained(file: string, format: DiskImageFormat | undefined, disk: string | undefined, chain: string[], maxDepth: number): Promise<MappedImage> {
  const real = await realpath(file).catch(() => file);
  if (chain.includes(real)) fail('backing-loop', 'the backing chain refers back to an image already in it');
  if (chain.length > maxDepth) fail('too-deep', `the backing chain is deeper than ${maxDepth} images`);
  const here = [...chain, real];
  const dir = path.dirname(file);
  const ctx: OpenContext = {
    openBacking: async (reference, backingFormat) => {
      if (reference.includes('://') || /^[a-z]+:(?![\\/])/i.test(reference)) fail('unsupported-feature', 'network backing files are not supported');
      const target = path.resolve(dir, reference);
      try {
        return await openChained(target, backingFormat, undefined, here, maxDepth);
      } catch (e) {
        if (e instanceof DiskImageError && e.code === 'not-found') fail('backing-missing', 'a backing file named by the image does not exist');
        throw e;
      }
    },
    firstExisting: async (references) => {
      for (const r of references) {
        const ok = await stat(path.resolve(dir, r)).then((s) => s.isFile(), () => false);
        if (ok) return r;
      }
      return undefined;
    },
  };
  const src = await FileSource.open(file);
  try {
    const probed = await probeDiskImageFormat(src);
    const fmt = format ?? probed;
    if (fmt !== 'raw' && fmt !== probed) fail('unsupported-format', `the file is not a ${fmt.toUpperCase()} image`);
    switch (fmt) {
      case 'raw':
        // Holes of a sparse file are not read (Linux; elsewhere, or in any doubt, the whole file is read).
        return new RawImage(src, src.size, { dataRanges: await fileDataRanges(file, src.size) });
      case 'qcow2': {
        const img = await Qcow2Image.open(src, ctx);
        img.adopt(src);
        return img;
      }
      case 'vmdk': {
        const head = await readAt(src, 0, 4, 'VMDK header');
        if (head.readUInt32LE(0) === VMDK_MAGIC) return await VmdkImage.openSparse(src, ctx, { owns: true });
        return await VmdkImage.openDescriptor(src, ctx);
      }
      case 'vhd':
        return await VhdImage.open(src, ctx);
      case 'vhdx':
        return await VhdxImage.open(src);
      case 'ova': {
        const img = await openOvaDisk(src, disk);
        img.adopt(src);
        return img;
      }
    }
  } catch (e) {
    await src.close().catch(() => undefined);
    throw e;
  }
}
