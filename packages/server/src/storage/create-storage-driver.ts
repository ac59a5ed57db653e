import type { Config } from '../config/config.ts';
import { FilesystemDriver } from './filesystem/filesystem-driver.ts';
import { S3Driver } from './s3/s3-driver.ts';
import type { StorageDriver } from './storage-driver.ts';

export function createStorageDriver(config: Config, baseUrl: () => string): StorageDriver {
  if (config.storage.kind === 's3') return new S3Driver(config.storage);
  return new FilesystemDriver({ objectsDir: config.storage.objectsDir, dataDir: config.dataDir, baseUrl });
}
