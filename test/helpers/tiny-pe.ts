/**
 * A minimal valid PE32 image (one .text section whose code is `ret`), built in the test so that no Windows
 * binary needs to be committed or found on the machine. osslsigncode signs it like any executable.
 */
export function tinyPe(marker = 'workbench test image'): Buffer {
  const b = Buffer.alloc(0x400);
  b.write('MZ', 0, 'latin1');
  b.writeUInt32LE(0x40, 0x3c);
  b.write('PE\0\0', 0x40, 'latin1');
  const coff = 0x44;
  b.writeUInt16LE(0x14c, coff); // i386
  b.writeUInt16LE(1, coff + 2); // one section
  b.writeUInt16LE(0xe0, coff + 16); // SizeOfOptionalHeader
  b.writeUInt16LE(0x0102, coff + 18); // executable, 32-bit
  const opt = 0x58;
  b.writeUInt16LE(0x10b, opt);
  b.writeUInt32LE(0x200, opt + 4); // SizeOfCode
  b.writeUInt32LE(0x1000, opt + 16); // entry point
  b.writeUInt32LE(0x1000, opt + 20); // BaseOfCode
  b.writeUInt32LE(0x2000, opt + 24); // BaseOfData
  b.writeUInt32LE(0x400000, opt + 28); // ImageBase
  b.writeUInt32LE(0x1000, opt + 32); // SectionAlignment
  b.writeUInt32LE(0x200, opt + 36); // FileAlignment
  b.writeUInt16LE(4, opt + 40);
  b.writeUInt16LE(4, opt + 48);
  b.writeUInt32LE(0x2000, opt + 56); // SizeOfImage
  b.writeUInt32LE(0x200, opt + 60); // SizeOfHeaders
  b.writeUInt16LE(3, opt + 68); // console subsystem
  b.writeUInt32LE(0x100000, opt + 72);
  b.writeUInt32LE(0x1000, opt + 76);
  b.writeUInt32LE(0x100000, opt + 80);
  b.writeUInt32LE(0x1000, opt + 84);
  b.writeUInt32LE(16, opt + 92); // NumberOfRvaAndSizes
  const sec = opt + 0xe0;
  b.write('.text', sec, 'latin1');
  b.writeUInt32LE(0x200, sec + 8); // VirtualSize
  b.writeUInt32LE(0x1000, sec + 12); // VirtualAddress
  b.writeUInt32LE(0x200, sec + 16); // SizeOfRawData
  b.writeUInt32LE(0x200, sec + 20); // PointerToRawData
  b.writeUInt32LE(0x60000020, sec + 36); // code, execute, read
  b[0x200] = 0xc3; // ret
  b.write(marker.slice(0, 400), 0x210, 'latin1');
  return b;
}
