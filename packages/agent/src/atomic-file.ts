import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';

/**
 * Replaces `filePath` with `text` atomically: temporary file in the same folder, fsync,
 * rename, fsync of the folder. A crash leaves either the old or the new complete file.
 */
export async function writeFileAtomically(filePath: string, text: string): Promise<void> {
  const tempPath = `${filePath}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  let renamed = false;
  try {
    const handle = await open(tempPath, 'wx', 0o644);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tempPath, filePath);
    renamed = true;
    await syncFolder(path.dirname(filePath));
  } finally {
    if (!renamed) await unlinkIfPresent(tempPath);
  }
}

/** Makes the rename durable: without it a power cut can bring back the old directory entry. */
async function syncFolder(folder: string): Promise<void> {
  // Windows cannot open a directory for fsync, and NTFS journals the rename itself.
  if (process.platform === 'win32') return;
  const handle = await open(folder, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function unlinkIfPresent(filePath: string): Promise<void> {
  try {
    await unlink(filePath);
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

export function isNotFound(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'ENOENT';
}
