import yazl from 'yazl';

export interface ZipEntrySpec {
  name: string;
  data?: Buffer | string;
  /** Unix mode including the file type bits, stored in the external attributes. */
  mode?: number;
  compress?: boolean;
  directory?: boolean;
}

/** Builds a real zip in memory with yazl. */
export async function buildZip(entries: ZipEntrySpec[]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const spec of entries) {
    if (spec.directory) {
      zip.addEmptyDirectory(spec.name);
      continue;
    }
    const data = typeof spec.data === 'string' ? Buffer.from(spec.data) : (spec.data ?? Buffer.alloc(0));
    zip.addBuffer(data, spec.name, { mode: spec.mode, compress: spec.compress ?? true });
  }
  zip.end();

  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Replaces every occurrence of `placeholder` (in the local header and in the
 * central directory) with `replacement` of the same byte length. yazl rejects
 * names such as "../x" or "C:/x", so hostile names are written this way.
 */
export function replaceBytes(zip: Buffer, placeholder: string, replacement: string | Buffer): Buffer {
  const from = Buffer.from(placeholder);
  const to = typeof replacement === 'string' ? Buffer.from(replacement) : replacement;
  if (from.length !== to.length) throw new Error(`"${placeholder}" and "${replacement}" differ in byte length`);

  const copy = Buffer.from(zip);
  let found = 0;
  for (let at = copy.indexOf(from); at !== -1; at = copy.indexOf(from, at + from.length)) {
    to.copy(copy, at);
    found += 1;
  }
  if (found === 0) throw new Error(`"${placeholder}" not found in the zip`);
  return copy;
}

const LOCAL_HEADER_SIGNATURE = 0x04034b50;
const CENTRAL_HEADER_SIGNATURE = 0x02014b50;

/** Offsets of every local and central directory header, found by signature. */
function headerOffsets(zip: Buffer, signature: number): number[] {
  const offsets: number[] = [];
  for (let at = 0; at <= zip.length - 4; at += 1) {
    if (zip.readUInt32LE(at) === signature) offsets.push(at);
  }
  return offsets;
}

/** Sets bits of the general purpose flag of every entry, in both headers. */
export function setGeneralPurposeFlag(zip: Buffer, bits: number): Buffer {
  const copy = Buffer.from(zip);
  for (const at of headerOffsets(copy, LOCAL_HEADER_SIGNATURE)) copy.writeUInt16LE(copy.readUInt16LE(at + 6) | bits, at + 6);
  for (const at of headerOffsets(copy, CENTRAL_HEADER_SIGNATURE)) copy.writeUInt16LE(copy.readUInt16LE(at + 8) | bits, at + 8);
  return copy;
}

/** Clears bits of the general purpose flag of every entry, in both headers. */
export function clearGeneralPurposeFlag(zip: Buffer, bits: number): Buffer {
  const copy = Buffer.from(zip);
  for (const at of headerOffsets(copy, LOCAL_HEADER_SIGNATURE)) copy.writeUInt16LE(copy.readUInt16LE(at + 6) & ~bits, at + 6);
  for (const at of headerOffsets(copy, CENTRAL_HEADER_SIGNATURE)) copy.writeUInt16LE(copy.readUInt16LE(at + 8) & ~bits, at + 8);
  return copy;
}

/** Sets the compression method of every entry, in both headers. */
export function setCompressionMethod(zip: Buffer, method: number): Buffer {
  const copy = Buffer.from(zip);
  for (const at of headerOffsets(copy, LOCAL_HEADER_SIGNATURE)) copy.writeUInt16LE(method, at + 8);
  for (const at of headerOffsets(copy, CENTRAL_HEADER_SIGNATURE)) copy.writeUInt16LE(method, at + 10);
  return copy;
}

/** Sets the uncompressed size of every entry in the central directory, which yauzl reads. */
export function setDeclaredUncompressedSize(zip: Buffer, size: number): Buffer {
  const copy = Buffer.from(zip);
  for (const at of headerOffsets(copy, CENTRAL_HEADER_SIGNATURE)) copy.writeUInt32LE(size, at + 24);
  return copy;
}
