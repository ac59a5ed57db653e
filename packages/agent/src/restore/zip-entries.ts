import { isUtf8 } from 'node:buffer';
import yauzl from 'yauzl';
import type { Locale } from '@cloud-backup-sync/protocol';
import { RestoreError } from './restore-error.ts';

/** One zip entry that passed every check, with the relative path it will be written to. */
export interface PlannedEntry {
  entry: yauzl.Entry;
  /** Relative path with "/" separators and no trailing slash. */
  path: string;
  isDirectory: boolean;
}

export interface ZipPlan {
  entries: PlannedEntry[];
  fileCount: number;
  /** Sum of the declared uncompressed sizes; yauzl rejects an entry that inflates past its declared size. */
  totalUncompressedBytes: number;
}

// File type bits of a Unix mode, stored in the high 16 bits of the external attributes.
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const fileTypeNames: Record<number, string> = {
  0o120000: 'symlink',
  0o010000: 'fifo',
  0o020000: 'character device',
  0o060000: 'block device',
  0o140000: 'socket',
};

// General purpose flag bits: 0 = traditional encryption, 6 = strong encryption, 11 = UTF-8 names.
const FLAG_ENCRYPTED = 0x1;
const FLAG_STRONG_ENCRYPTION = 0x40;
const FLAG_UTF8 = 0x800;

/**
 * Reads the central directory and checks every entry before a single byte is
 * extracted: safe relative path, regular file or folder, not encrypted, a
 * supported compression method, and no two entries at the same path.
 * Throws a RestoreError naming the first bad entry.
 */
export async function planZipExtraction(zipFile: yauzl.ZipFile, locale: Locale): Promise<ZipPlan> {
  const entries: PlannedEntry[] = [];
  const claimed = new Map<string, ClaimedPath>();
  let fileCount = 0;
  let totalUncompressedBytes = 0;

  try {
    for await (const entry of zipFile.eachEntry()) {
      const planned = checkEntry(entry, locale);
      claimPath(claimed, planned, locale);
      entries.push(planned);
      if (!planned.isDirectory) {
        fileCount += 1;
        totalUncompressedBytes += entry.uncompressedSize;
      }
    }
  } catch (error) {
    if (error instanceof RestoreError) throw error;
    throw new RestoreError('INVALID_ZIP', { detail: errorDetail(error) }, locale, { cause: error });
  }

  return { entries, fileCount, totalUncompressedBytes };
}

/**
 * Decodes an entry's name. decodeStrings is off, so yauzl does not turn "\" into "/" and
 * the checks below see the name as written. A name with the UTF-8 flag (general purpose
 * bit 11) or an Info-ZIP Unicode Path extra field (0x7075) is decoded as the zip declares.
 * Otherwise the APPNOTE says CP437, but Info-ZIP `zip` on Linux writes the raw bytes of
 * the local name, which is UTF-8, without the flag. Like `unzip` on Linux, a name whose
 * bytes include non-ASCII and form valid UTF-8 is read as UTF-8, and any other as CP437.
 */
export function decodeEntryName(entry: Pick<yauzl.Entry, 'generalPurposeBitFlag' | 'fileNameRaw' | 'extraFields'>): string {
  const raw = entry.fileNameRaw;
  const flag = entry.generalPurposeBitFlag;
  const looksUtf8 = (flag & FLAG_UTF8) === 0 && raw.some((byte) => byte >= 0x80) && isUtf8(raw);
  // With the flag set, yauzl still prefers a valid Unicode Path extra field over the raw bytes.
  return yauzl.getFileNameLowLevel(looksUtf8 ? flag | FLAG_UTF8 : flag, raw, entry.extraFields, true);
}

function checkEntry(entry: yauzl.Entry, locale: Locale): PlannedEntry {
  const name = decodeEntryName(entry);
  const fail = (code: ConstructorParameters<typeof RestoreError>[0], params: Record<string, string | number> = {}) =>
    new RestoreError(code, { entry: name, ...params }, locale);

  if (/[\u0000-\u001f\u007f]/.test(name)) throw fail('ENTRY_INVALID_CHARACTER');
  if (/^[A-Za-z]:/.test(name)) throw fail('ENTRY_DRIVE_LETTER');
  if (name.startsWith('/')) throw fail('ENTRY_ABSOLUTE_PATH');
  if (name.includes('\\')) throw fail('ENTRY_BACKSLASH');

  const nameIsDirectory = name.endsWith('/');
  const segments = (nameIsDirectory ? name.slice(0, -1) : name).split('/');
  if (segments.includes('..')) throw fail('ENTRY_PARENT_SEGMENT');
  if (segments.some((segment) => segment === '' || segment === '.')) throw fail('ENTRY_EMPTY_SEGMENT');

  if ((entry.generalPurposeBitFlag & (FLAG_ENCRYPTED | FLAG_STRONG_ENCRYPTION)) !== 0) throw fail('ENTRY_ENCRYPTED');

  const fileType = (entry.externalFileAttributes >>> 16) & S_IFMT;
  if (fileType !== 0 && fileType !== S_IFREG && fileType !== S_IFDIR) {
    const kind = fileTypeNames[fileType] ?? `type ${fileType.toString(8)}`;
    throw fail('ENTRY_NOT_REGULAR', { kind, mode: (entry.externalFileAttributes >>> 16).toString(8) });
  }
  const isDirectory = nameIsDirectory || fileType === S_IFDIR;

  if (!isDirectory && entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
    throw fail('ENTRY_UNSUPPORTED_COMPRESSION', { method: entry.compressionMethod });
  }

  return { entry, path: segments.join('/'), isDirectory };
}

interface ClaimedPath {
  isDirectory: boolean;
  /** The entry name as written in the zip, for the error message. */
  name: string;
  /** False for a folder that exists only as the parent of another entry. */
  explicit: boolean;
}

/**
 * Records the path of an entry and of its parent folders, rejecting a second
 * entry at the same path and a file that another entry needs as a folder.
 * Paths are compared in Unicode NFC so that macOS-style decomposed names
 * collide with their composed twins, as they would on disk there.
 */
function claimPath(claimed: Map<string, ClaimedPath>, planned: PlannedEntry, locale: Locale): void {
  const name = planned.path;
  const key = name.normalize('NFC');

  const previous = claimed.get(key);
  if (previous && (previous.explicit || !planned.isDirectory)) {
    throw new RestoreError('ENTRY_DUPLICATE', { entry: name, other: previous.name }, locale);
  }
  claimed.set(key, { isDirectory: planned.isDirectory, name, explicit: true });

  const segments = key.split('/');
  for (let depth = 1; depth < segments.length; depth += 1) {
    const parent = segments.slice(0, depth).join('/');
    const existing = claimed.get(parent);
    if (existing && !existing.isDirectory) {
      throw new RestoreError('ENTRY_DUPLICATE', { entry: name, other: existing.name }, locale);
    }
    if (!existing) claimed.set(parent, { isDirectory: true, name: parent, explicit: false });
  }
}

export function errorDetail(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
