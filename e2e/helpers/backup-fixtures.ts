import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { pipeline } from 'node:stream/promises';
import Database from 'better-sqlite3';
import yazl from 'yazl';

/**
 * Fills `folder` like a point-of-sale data folder: a real SQLite database,
 * a random binary file of `bigFileBytes`, text files with accented names and
 * an empty folder.
 */
export async function makeStoreFolder(folder: string, bigFileBytes: number): Promise<void> {
  await mkdir(join(folder, 'fotos'), { recursive: true });
  await mkdir(join(folder, 'exportaciones', 'vacía'), { recursive: true });

  const database = new Database(join(folder, 'tienda.db'));
  try {
    database.exec('CREATE TABLE ventas (id INTEGER PRIMARY KEY, producto TEXT NOT NULL, total_centavos INTEGER NOT NULL)');
    const insert = database.prepare('INSERT INTO ventas (producto, total_centavos) VALUES (?, ?)');
    database.transaction(() => {
      for (let index = 0; index < 5000; index += 1) insert.run(`Producto ${index} — café ñandú`, index * 137);
    })();
  } finally {
    database.close();
  }

  await writeRandomFile(join(folder, 'fotos', 'catálogo completo.bin'), bigFileBytes);
  await writeFile(join(folder, 'LÉAME.txt'), 'Copia de seguridad de la tienda Ñandú.\n');
  await writeFile(join(folder, 'exportaciones', 'cierre de caja 2026-01.csv'), 'fecha,total\n2026-01-31,123456\n');
}

/** Writes `sizeBytes` of random data in 1 MiB chunks. */
export async function writeRandomFile(path: string, sizeBytes: number): Promise<void> {
  const chunkBytes = 1024 * 1024;
  async function* chunks() {
    for (let written = 0; written < sizeBytes; written += chunkBytes) {
      yield randomBytes(Math.min(chunkBytes, sizeBytes - written));
    }
  }
  await pipeline(chunks(), createWriteStream(path));
}

/**
 * Zips every file and folder under `folder` into `zipPath` with yazl. The zip
 * is written beside its final name and renamed at the end, as a POS
 * application should, so the agent never reads a half-written file.
 */
export async function zipFolder(folder: string, zipPath: string): Promise<void> {
  const zip = new yazl.ZipFile();
  for (const entry of await listEntries(folder)) {
    const relativePath = relative(folder, entry.path).split('\\').join('/');
    if (entry.isDirectory) zip.addEmptyDirectory(relativePath);
    else zip.addFile(entry.path, relativePath);
  }
  zip.end();

  const partial = join(dirname(zipPath), '.zip-in-progress');
  await pipeline(zip.outputStream, createWriteStream(partial));
  await rename(partial, zipPath);
}

interface FolderEntry {
  path: string;
  isDirectory: boolean;
}

async function listEntries(folder: string): Promise<FolderEntry[]> {
  const entries: FolderEntry[] = [];
  for (const dirent of await readdir(folder, { withFileTypes: true })) {
    const path = join(folder, dirent.name);
    if (dirent.isDirectory()) {
      entries.push({ path, isDirectory: true }, ...(await listEntries(path)));
    } else {
      entries.push({ path, isDirectory: false });
    }
  }
  return entries.sort((a, b) => a.path.localeCompare(b.path));
}

/** Relative paths under `folder`, folders with a trailing "/", sorted. */
export async function listTree(folder: string): Promise<string[]> {
  const entries = await listEntries(folder);
  return entries.map((entry) => relative(folder, entry.path) + (entry.isDirectory ? '/' : '')).sort();
}

/** Asserts-friendly comparison: the list of paths whose bytes differ between two trees. */
export async function differingFiles(expectedFolder: string, actualFolder: string): Promise<string[]> {
  const differing: string[] = [];
  for (const path of await listTree(expectedFolder)) {
    if (path.endsWith('/')) continue;
    const [expected, actual] = await Promise.all([readFile(join(expectedFolder, path)), readFile(join(actualFolder, path))]);
    if (!expected.equals(actual)) differing.push(path);
  }
  return differing;
}

export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

export async function sizeOfFile(path: string): Promise<number> {
  return (await stat(path)).size;
}
