import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { CHECKSUM_SHA256_HEADER } from '@cloud-backup-sync/protocol';
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

    /** Presigns a PUT of `bytes` (or of the signed size and hash given) and returns its URL. */
    const presignUrl = async (objectKey: string, sizeBytes: number, sha256: string): Promise<string> =>
      (await driver.presignUpload({ objectKey, sizeBytes, sha256, expiresIn: 600, checksumHeader: false })).url;

    for (const checksumHeader of [false, true]) {
      const variant = checksumHeader ? 'with checksum header' : 'without checksum header';

      test(`presigned PUT stores exact bytes ${variant}`, async () => {
        const bytes = randomBytes(100_000);
        const objectKey = uniqueKey();
        const presigned = await driver.presignUpload({ objectKey, sizeBytes: bytes.length, sha256: sha256Hex(bytes), expiresIn: 600, checksumHeader });
        const expectedHeaders = checksumHeader ? { [CHECKSUM_SHA256_HEADER]: Buffer.from(sha256Hex(bytes), 'hex').toString('base64') } : {};
        assert.deepEqual(presigned.headers, expectedHeaders);

        const put = await fetch(presigned.url, { method: 'PUT', body: bytes, headers: presigned.headers });
        assert.equal(put.status, 200, await put.text());

        const stat = await driver.stat(objectKey);
        assert.equal(stat?.sizeBytes, bytes.length);
        if (stat?.sha256 !== undefined) assert.equal(stat.sha256, sha256Hex(bytes));
        assert.equal(await driver.hashObject(objectKey), sha256Hex(bytes));
      });

      test(`altered bytes never pass as signed ${variant}`, async () => {
        const bytes = randomBytes(4096);
        const altered = Buffer.from(bytes);
        altered[10] = (altered[10] ?? 0) ^ 0xff;
        const objectKey = uniqueKey();
        const presigned = await driver.presignUpload({ objectKey, sizeBytes: bytes.length, sha256: sha256Hex(bytes), expiresIn: 600, checksumHeader });

        const put = await fetch(presigned.url, { method: 'PUT', body: altered, headers: presigned.headers });
        if (fixture.verifiesContentOnPut) {
          assert.equal(Math.floor(put.status / 100), 4, `expected a 4xx, got ${put.status}`);
          assert.equal(await driver.stat(objectKey), null);
        } else {
          // s3rver accepts any content, signed checksum header or not; the hash read back must expose the change.
          assert.equal(put.status, 200);
          assert.notEqual(await driver.hashObject(objectKey), sha256Hex(bytes));
        }
      });
    }

    test('checksum header of other bytes is rejected', async (context) => {
      if (!fixture.verifiesContentOnPut) {
        context.skip('this storage does not verify x-amz-checksum-sha256');
        return;
      }
      const bytes = randomBytes(1000);
      const objectKey = uniqueKey();
      const presigned = await driver.presignUpload({ objectKey, sizeBytes: bytes.length, sha256: sha256Hex(bytes), expiresIn: 600, checksumHeader: true });
      const otherChecksum = Buffer.from(sha256Hex(randomBytes(1000)), 'hex').toString('base64');

      const put = await fetch(presigned.url, { method: 'PUT', body: bytes, headers: { [CHECKSUM_SHA256_HEADER]: otherChecksum } });
      assert.equal(Math.floor(put.status / 100), 4, `expected a 4xx, got ${put.status}`);
      assert.equal(await driver.stat(objectKey), null);
    });

    test('stat of absent object is null', async () => {
      assert.equal(await driver.stat(uniqueKey()), null);
    });

    test('body of wrong size is rejected', async () => {
      const bytes = randomBytes(2048);
      const objectKey = uniqueKey();
      const url = await presignUrl(objectKey, bytes.length + 1, sha256Hex(bytes));

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
      const uploadUrl = await presignUrl(objectKey, bytes.length, sha256Hex(bytes));
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

    test('download names keep every character', async () => {
      const bytes = randomBytes(100);
      const objectKey = uniqueKey();
      assert.equal((await fetch(await presignUrl(objectKey, bytes.length, sha256Hex(bytes)), { method: 'PUT', body: bytes })).status, 200);

      const names = ['a,b,c.zip', 'dice "hola".zip', 'con  dos espacios .zip', 'Información café año.zip', `it's; x=1.zip`, 'ÅÉÎÕÜ ñ ç.zip', '日本 backup.zip'];
      for (const fileName of names) {
        const response = await fetch(await driver.presignDownload({ objectKey, fileName, expiresIn: 600 }));
        await response.arrayBuffer();
        const header = response.headers.get('content-disposition') ?? '';

        const fallback = /^attachment; filename="([^"]*)"; /.exec(header)?.[1];
        assert.match(fallback ?? '', /^[\x20-\x7e]+$/, `${fileName}: ASCII fallback in ${header}`);
        const encoded = /; filename\*=UTF-8''([A-Za-z0-9!#$&+.^_`|~%-]+)$/.exec(header)?.[1];
        assert.equal(decodeURIComponent(encoded ?? ''), fileName, `${fileName}: filename* in ${header}`);
      }
    });

    test('delete removes object and is idempotent', async () => {
      const bytes = randomBytes(1000);
      const objectKey = uniqueKey();
      const url = await presignUrl(objectKey, bytes.length, sha256Hex(bytes));
      assert.equal((await fetch(url, { method: 'PUT', body: bytes })).status, 200);

      await driver.deleteObject(objectKey);
      assert.equal(await driver.stat(objectKey), null);
      await driver.deleteObject(objectKey);
    });

    test('deleteObjects removes listed objects only', async () => {
      const keys = [uniqueKey(), uniqueKey(), uniqueKey()];
      for (const objectKey of keys) {
        const bytes = randomBytes(100);
        const url = await presignUrl(objectKey, bytes.length, sha256Hex(bytes));
        assert.equal((await fetch(url, { method: 'PUT', body: bytes })).status, 200);
      }
      const [first, second, kept] = keys;
      assert.ok(first);
      assert.ok(second);
      assert.ok(kept);

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
      const url = await presignUrl(objectKey, bytes.length, sha256Hex(bytes));
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
        await assert.rejects(driver.stat(objectKey).then(() => presignUrl(objectKey, 1, '0'.repeat(64))), `key ${JSON.stringify(objectKey)}`);
      }
    });
  });
}
