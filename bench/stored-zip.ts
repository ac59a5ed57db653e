import { randomBytes } from 'node:crypto';
import { open } from 'node:fs/promises';
import { crc32 } from 'node:zlib';

const CHUNK_BYTES = 8 * 1024 * 1024;
const LOCAL_HEADER_BYTES = 30;
const CENTRAL_HEADER_BYTES = 46;
const EOCD_BYTES = 22;

/**
 * Writes a valid zip holding one stored (uncompressed) entry of `entryBytes`
 * random bytes, under 4 GiB so no Zip64 records are needed. The CRC-32 is
 * computed while writing and patched into the local header at the end.
 */
export async function writeStoredZip(path: string, entryName: string, entryBytes: number): Promise<void> {
  if (entryBytes >= 0xffffffff) throw new Error(`entryBytes ${entryBytes} needs Zip64, which this writer does not produce`);
  const name = Buffer.from(entryName);
  const file = await open(path, 'w');
  try {
    const local = Buffer.alloc(LOCAL_HEADER_BYTES);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0
    local.writeUInt16LE(0x0800, 6); // UTF-8 name
    local.writeUInt16LE(0, 8); // stored
    local.writeUInt32LE(entryBytes, 18);
    local.writeUInt32LE(entryBytes, 22);
    local.writeUInt16LE(name.length, 26);
    await file.write(local);
    await file.write(name);

    let crc = 0;
    for (let written = 0; written < entryBytes; written += CHUNK_BYTES) {
      const chunk = randomBytes(Math.min(CHUNK_BYTES, entryBytes - written));
      crc = crc32(chunk, crc);
      await file.write(chunk);
    }

    const crcField = Buffer.alloc(4);
    crcField.writeUInt32LE(crc >>> 0, 0);
    await file.write(crcField, 0, 4, 14);

    const centralOffset = LOCAL_HEADER_BYTES + name.length + entryBytes;
    const central = Buffer.alloc(CENTRAL_HEADER_BYTES);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by Unix, version 2.0
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt32LE(crc >>> 0, 16);
    central.writeUInt32LE(entryBytes, 20);
    central.writeUInt32LE(entryBytes, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE((0o100644 << 16) >>> 0, 38); // regular file, rw-r--r--
    central.writeUInt32LE(0, 42); // local header offset

    const end = Buffer.alloc(EOCD_BYTES);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(1, 8);
    end.writeUInt16LE(1, 10);
    end.writeUInt32LE(CENTRAL_HEADER_BYTES + name.length, 12);
    end.writeUInt32LE(centralOffset, 16);

    await file.write(Buffer.concat([central, name, end]), 0, undefined, centralOffset);
  } finally {
    await file.close();
  }
}
