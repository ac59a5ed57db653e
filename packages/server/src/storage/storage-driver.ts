/** Size and checksum of a stored object. */
export interface ObjectStat {
  sizeBytes: number;
  /** Lowercase hex SHA-256 of the whole object, when the provider returned one or the driver recorded one. */
  sha256?: string;
}

/** A presigned PUT: the URL and the headers the client must send with it. */
export interface PresignedUpload {
  url: string;
  /** Headers that are part of the signature; a PUT without them (or with other values) is rejected. */
  headers: Record<string, string>;
}

export interface PresignUploadRequest {
  objectKey: string;
  sizeBytes: number;
  /** Lowercase hex SHA-256 of the bytes to upload. */
  sha256: string;
  /** Lifetime of the URL, in seconds. */
  expiresIn: number;
  /** True when the client will send `x-amz-checksum-sha256`, so the driver may sign it. */
  checksumHeader: boolean;
}

/** Outcome of `deleteObjects`: keys the storage reported it could not delete, with its reason. */
export interface DeleteObjectsResult {
  failed: Array<{ objectKey: string; reason: string }>;
}

/**
 * One place where backup objects live. Drivers raise `AppError`
 * `STORAGE_UNAVAILABLE` when the storage cannot be reached, and rethrow
 * anything else they do not recognise.
 */
export interface StorageDriver {
  readonly kind: 'filesystem' | 's3';
  /** Largest object one presigned PUT may carry, in bytes. */
  readonly maxUploadBytes: number;

  /** Returns a URL (and its signed headers) that accepts one PUT of `sizeBytes` bytes for `expiresIn` seconds. */
  presignUpload(request: PresignUploadRequest): Promise<PresignedUpload>;

  /** Returns a GET URL whose response carries `Content-Disposition: attachment` with `fileName`. */
  presignDownload(request: { objectKey: string; fileName: string; expiresIn: number }): Promise<string>;

  /** Returns the object's size and, when known without reading it, its SHA-256; null when absent. */
  stat(objectKey: string): Promise<ObjectStat | null>;

  /** Reads the whole object as a stream and returns its lowercase hex SHA-256. */
  hashObject(objectKey: string): Promise<string>;

  /** Deletes the object; deleting an absent object succeeds. */
  deleteObject(objectKey: string): Promise<void>;

  /**
   * Deletes many objects with as few requests as the storage allows (S3:
   * 1000 keys per DeleteObjects). Absent keys count as deleted. A key that
   * fails is returned in `failed` while the others proceed; a storage that
   * cannot be reached raises instead.
   */
  deleteObjects(objectKeys: readonly string[]): Promise<DeleteObjectsResult>;

  /** Checks that the storage is reachable and usable, creating local folders when needed. */
  ensureReady(): Promise<void>;
}
