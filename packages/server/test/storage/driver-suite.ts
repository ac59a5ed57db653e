import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { StorageDriver } from '../../src/storage/storage-driver.ts';
import { sha256Hex } from '../helpers/http.ts';

/** A driver under test and the facts the shared suite cannot learn through the interface. */
export interface DriverFixture {
  driver: StorageDriver;
  /** True when the storage itself rejects a PUT whose bytes differ from the signed SHA-256. */
  verifiesContentOnPut: boolean;
  /** True when the storage itself rejects a PUT whose length differs from the signed size. */
  verifiesSizeOnPut: boolean;
  /** Returns a PUT URL that expired a second ago, or undefined when the driver cannot produce one. */
  expiredUploadUrl?: (request: { objectKey: string; sizeBytes: number; sha256: string }) => Promise<string>;
  close(): Promise<void>;
}

/**
 * The one test suite every storage driver must pass, with real bytes sent
 * by fetch to the driver's presigned URLs.
 */
export function describeStorageDriver(name: string, createFixture: () => Promise<DriverFixture>): void {
  describe(`storage driver: ${name}`, () => {
    let fixture: DriverFixture;
    let driver: StorageDriver;

    before(async () => {
      fixture = await createFixture();
      driver = fixture.driver;
      await driver.ensureReady();
    });
    after(() => fixture.close());

    const uniqueKey = () => `stores/suite/2026/01/02/${randomBytes(32).toString('hex')}.zip`;

    test('presigned PUT stores the exact bytes', async () => {
      const bytes = randomBytes(100_000);
      const objectKey = uniqueKey();
      const url = await driver.presignUpload({ objectKey, sizeBytes: bytes.length, sha256: sha256Hex(bytes), expiresIn: 600 });

      const put = await fetch(url, { method: 'PUT', body: bytes });
      assert.equal(put.status, 200);

      const stat = await driver.stat(objectKey);
      assert.equal(stat?.sizeBytes, bytes.length);
      if (stat?.sha256 !== undefined) assert.equal(stat.sha256, sha256Hex(bytes));
      assert.equal(await driver.hashObject(objectKey), sha256Hex(bytes));
    });

    test('stat of absent object is null', async () => {
      assert.equal(await driver.stat(uniqueKey()), null);
    });

    test('altered bytes never pass as signed', async () => {
      const bytes = randomBytes(4096);
      const altered = Buffer.from(bytes);
      altered[10] = (altered[10] ?? 0) ^ 0xff;
      const objectKey = uniqueKey();
      const url = await driver.presignUpload({ objectKey, sizeBytes: bytes.length, sha256: sha256Hex(bytes), expiresIn: 600 });

      const put = await fetch(url, { method: 'PUT', body: altered });
      if (fixture.verifiesContentOnPut) {
        assert.equal(put.status, 422);
        assert.equal(await driver.stat(objectKey), null);
      } else {
        // s3rver accepts any content; the hash read back must expose the change.
        assert.equal(put.status, 200);
        assert.notEqual(await driver.hashObject(objectKey), sha256Hex(bytes));
      }
    });

    test('body of wrong size is rejected', async () => {
      const bytes = randomBytes(2048);
      const objectKey = uniqueKey();
      const url = await driver.presignUpload({ objectKey, sizeBytes: bytes.length + 1, sha256: sha256Hex(bytes), expiresIn: 600 });

      const put = await fetch(url, { method: 'PUT', body: bytes });
      if (fixture.verifiesSizeOnPut) {
        assert.equal(Math.floor(put.status / 100), 4, `expected a 4xx, got ${put.status}`);
        assert.equal(await driver.stat(objectKey), null);
      } else {
        // s3rver ignores the signed Content-Length (AWS enforces it); stat must expose the size.
        assert.equal(put.status, 200);
        assert.equal((await driver.stat(objectKey))?.sizeBytes, bytes.length);
      }
    });

    test('download is byte-identical with attachment name', async () => {
      const bytes = randomBytes(50_000);
      const objectKey = uniqueKey();
      const uploadUrl = await driver.presignUpload({ objectKey, sizeBytes: bytes.length, sha256: sha256Hex(bytes), expiresIn: 600 });
      assert.equal((await fetch(uploadUrl, { method: 'PUT', body: bytes })).status, 200);

      const fileName = 'Copia "año", 2026 ñ.zip';
      const downloadUrl = await driver.presignDownload({ objectKey, fileName, expiresIn: 600 });
      const response = await fetch(downloadUrl);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('content-length'), String(bytes.length));
      assert.equal(
        response.headers.get('content-disposition'),
        `attachment; filename="Copia _ano_, 2026 n.zip"; filename*=UTF-8''Copia%20%22a%C3%B1o%22%2C%202026%20%C3%B1.zip`,
      );
      assert.ok(Buffer.from(await response.arrayBuffer()).equals(bytes));
    });

    test('delete removes object and is idempotent', async () => {
      const bytes = randomBytes(1000);
      const objectKey = uniqueKey();
      const url = await driver.presignUpload({ objectKey, sizeBytes: bytes.length, sha256: sha256Hex(bytes), expiresIn: 600 });
      assert.equal((await fetch(url, { method: 'PUT', body: bytes })).status, 200);

      await driver.deleteObject(objectKey);
      assert.equal(await driver.stat(objectKey), null);
      await driver.deleteObject(objectKey);
    });

    test('deleteObjects removes listed objects only', async () => {
      const keys = [uniqueKey(), uniqueKey(), uniqueKey()];
      for (const objectKey of keys) {
        const bytes = randomBytes(100);
        const url = await driver.presignUpload({ objectKey, sizeBytes: bytes.length, sha256: sha256Hex(bytes), expiresIn: 600 });
        assert.equal((await fetch(url, { method: 'PUT', body: bytes })).status, 200);
      }
      const [first, second, kept] = keys;
      assert.ok(first && second && kept);

      assert.deepEqual(await driver.deleteObjects([first, second, uniqueKey()]), { failed: [] });
      assert.equal(await driver.stat(first), null);
      assert.equal(await driver.stat(second), null);
      assert.notEqual(await driver.stat(kept), null);

      assert.deepEqual(await driver.deleteObjects([first, second]), { failed: [] });
      assert.deepEqual(await driver.deleteObjects([]), { failed: [] });
    });

    test('deleteObjects refuses unsafe keys first', async () => {
      const bytes = randomBytes(100);
      const objectKey = uniqueKey();
      const url = await driver.presignUpload({ objectKey, sizeBytes: bytes.length, sha256: sha256Hex(bytes), expiresIn: 600 });
      assert.equal((await fetch(url, { method: 'PUT', body: bytes })).status, 200);

      await assert.rejects(driver.deleteObjects([objectKey, '../escape.zip']));
      assert.notEqual(await driver.stat(objectKey), null);
    });

    test('expired upload URL is rejected', async (context) => {
      if (fixture.expiredUploadUrl === undefined) {
        context.skip('this driver cannot sign a URL in the past');
        return;
      }
      const bytes = randomBytes(100);
      const objectKey = uniqueKey();
      const url = await fixture.expiredUploadUrl({ objectKey, sizeBytes: bytes.length, sha256: sha256Hex(bytes) });

      const put = await fetch(url, { method: 'PUT', body: bytes });
      assert.equal(put.status, 403);
      assert.equal(await driver.stat(objectKey), null);
    });

    test('unsafe object keys are refused', async () => {
      for (const objectKey of ['../escape.zip', '/etc/passwd', 'stores/../../x.zip', 'stores\\x.zip', 'stores//x.zip', '.hidden', '']) {
        await assert.rejects(driver.stat(objectKey).then(() => driver.presignUpload({ objectKey, sizeBytes: 1, sha256: '0'.repeat(64), expiresIn: 600 })), `key ${JSON.stringify(objectKey)}`);
      }
    });
  });
}
