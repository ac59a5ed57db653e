import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  errorBodySchema,
  errorStatus,
  isErrorCode,
  listBackupsResponseSchema,
  listDevicesResponseSchema,
  listStoresResponseSchema,
} from '@cloud-backup-sync/protocol';
import { callApi, createDevice, createStore, listStoredObjects, uploadBackup } from '../helpers/http.ts';
import { BACKENDS, startTestServer, type TestServer } from '../helpers/start-test-server.ts';

/**
 * One bad request. `token` picks the credential: the SUPERADMIN's (default),
 * the store's device token, or none. A Buffer body is sent as raw bytes.
 */
interface BadInput {
  name: string;
  method: string;
  path: string;
  body?: unknown;
  contentType?: string | null;
  headers?: Record<string, string>;
  token?: 'superadmin' | 'device' | 'none';
  /** Only for the filesystem driver, whose storage routes this server serves. */
  filesystemOnly?: boolean;
}

const STORE_ID = 'corpus';
const CRON_SECRET = 'k'.repeat(40);
const GOOD_SHA256 = 'cd'.repeat(32);
const GOOD_UPLOAD = { storeId: STORE_ID, fileName: 'backup.zip', sha256: GOOD_SHA256, sizeBytes: 1024 };

/** Values that are wrong for any id field: types, sizes, encodings and path tricks. */
const BAD_IDS: Array<[string, unknown]> = [
  ['empty', ''],
  ['dot', '.'],
  ['dot-dot', '..'],
  ['parent path', '../etc'],
  ['slash', 'a/b'],
  ['backslash', 'a\\b'],
  ['encoded slash', 'a%2Fb'],
  ['space', 'a b'],
  ['NUL', 'a\u0000b'],
  ['newline', 'a\nb'],
  ['accent', 'tienda-ñ'],
  ['emoji', 'store-😀'],
  ['65 characters', 'x'.repeat(65)],
  ['10 000 characters', 'x'.repeat(10_000)],
  ['number', 42],
  ['boolean', true],
  ['null', null],
  ['array', ['a']],
  ['object', { id: 'a' }],
  ['SQL', "a'; DROP TABLE stores;--"],
];

const BAD_SHA256: Array<[string, unknown]> = [
  ['short', 'abc'],
  ['65 hex', `${GOOD_SHA256}0`],
  ['non-hex', 'z'.repeat(64)],
  ['spaces', ` ${GOOD_SHA256.slice(1)}`],
  ['unicode digits', '٠'.repeat(64)],
  ['number', 123],
  ['null', null],
  ['array', [GOOD_SHA256]],
];

const BAD_FILE_NAMES: Array<[string, unknown]> = [
  ['empty', ''],
  ['dot', '.'],
  ['dot-dot', '..'],
  ['parent path', '../../etc/passwd'],
  ['absolute', '/etc/passwd'],
  ['windows path', 'C:\\Windows\\x.zip'],
  ['slash', 'a/b.zip'],
  ['NUL', 'a\u0000.zip'],
  ['newline', 'a\n.zip'],
  ['carriage return', 'a\r\nSet-Cookie: x.zip'],
  ['DEL', 'a\u007f.zip'],
  ['256 characters', `${'n'.repeat(252)}.zip`],
  ['number', 7],
  ['null', null],
  ['object', { name: 'a.zip' }],
];

const BAD_SIZES: Array<[string, unknown]> = [
  ['zero', 0],
  ['negative', -1],
  ['fraction', 0.5],
  ['string', '1024'],
  ['exponent overflow', 1e300],
  ['unsafe integer', 2 ** 53],
  ['null', null],
  ['boolean', true],
  ['over 5 GiB', 5 * 1024 ** 3 + 1],
];

const BAD_COUNTS: Array<[string, unknown]> = [
  ['negative', -1],
  ['fraction', 2.5],
  ['string', '3'],
  ['huge', 10 ** 9],
  ['null', null],
];

const BAD_DATES: Array<[string, unknown]> = [
  ['words', 'yesterday'],
  ['date only', '2026-12-04'],
  ['number', 1733300000],
  ['impossible', '2026-13-45T99:99:99Z'],
];

const MALFORMED_JSON = ['{', '{"storeId":', '[', 'nul', '{"a":1}}', "{'a':1}", '{"a":01}', '\u0000', '{"a":"\\x"}', 'NaN', '{"a":1,}'];

const WRONG_CONTENT_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'text/html',
  'application/octet-stream',
];

/** Builds one request per bad value of `field`, with the other fields of `base` valid. */
function fieldCases(prefix: string, method: string, path: string, base: Record<string, unknown>, field: string, values: Array<[string, unknown]>, token?: BadInput['token']): BadInput[] {
  return values.map(([label, value]) => ({ name: `${prefix} ${field} ${label}`, method, path, body: { ...base, [field]: value }, token }));
}

function buildCorpus(): BadInput[] {
  const corpus: BadInput[] = [];
  const upload = '/api/cloud-backups/request-upload';
  const confirm = '/api/cloud-backups/confirm-upload';
  const download = '/api/cloud-backups/request-download';

  corpus.push(...fieldCases('create store', 'POST', '/api/stores', { name: 'Tienda' }, 'id', BAD_IDS.filter(([label]) => label !== 'SQL')));
  corpus.push(
    ...fieldCases('create store', 'POST', '/api/stores', {}, 'name', [
      ['empty', ''],
      ['blank', '   '],
      ['control', 'a\u0001b'],
      ['201 characters', 'n'.repeat(201)],
      ['number', 5],
      ['null', null],
      ['array', ['Tienda']],
    ]),
  );

  corpus.push(...fieldCases('request-upload', 'POST', upload, GOOD_UPLOAD, 'storeId', BAD_IDS));
  corpus.push(...fieldCases('request-upload', 'POST', upload, GOOD_UPLOAD, 'fileName', BAD_FILE_NAMES));
  corpus.push(...fieldCases('request-upload', 'POST', upload, GOOD_UPLOAD, 'sha256', BAD_SHA256));
  corpus.push(...fieldCases('request-upload', 'POST', upload, GOOD_UPLOAD, 'sizeBytes', BAD_SIZES));
  corpus.push(...fieldCases('request-upload', 'POST', upload, GOOD_UPLOAD, 'checksumHeader', [['string', 'true'], ['number', 1], ['null', null]]));
  corpus.push(...fieldCases('request-upload unknown store', 'POST', upload, GOOD_UPLOAD, 'storeId', [['valid but absent', 'no-such-store']]));
  corpus.push(...fieldCases('device request-upload', 'POST', upload, GOOD_UPLOAD, 'storeId', [['other store', 'other-store'], ['path', '../corpus']], 'device'));

  corpus.push(...fieldCases('confirm-upload', 'POST', confirm, { sha256: GOOD_SHA256 }, 'backupId', BAD_IDS));
  corpus.push(...fieldCases('confirm-upload', 'POST', confirm, { backupId: 'absent-backup' }, 'sha256', BAD_SHA256));
  corpus.push(...fieldCases('confirm-upload unknown', 'POST', confirm, { sha256: GOOD_SHA256 }, 'backupId', [['valid but absent', 'absent-backup']]));

  corpus.push(...fieldCases('request-download', 'POST', download, {}, 'backupId', BAD_IDS));

  corpus.push(...fieldCases('create device', 'POST', '/api/devices', { name: 'Caja' }, 'storeId', BAD_IDS.slice(0, 10)));
  corpus.push(...fieldCases('create device', 'POST', '/api/devices', { storeId: STORE_ID }, 'name', [['empty', ''], ['control', 'a\u0007'], ['long', 'c'.repeat(201)], ['number', 1]]));
  corpus.push(...fieldCases('create device unknown store', 'POST', '/api/devices', { name: 'Caja' }, 'storeId', [['valid but absent', 'no-such-store']]));

  const goodStatus = { pending: 0, uploaded: 0, failed: 0, lastSyncAt: null };
  for (const field of ['pending', 'uploaded', 'failed']) {
    corpus.push(...fieldCases('device status', 'POST', '/api/devices/status', goodStatus, field, BAD_COUNTS, 'device'));
  }
  corpus.push(...fieldCases('device status', 'POST', '/api/devices/status', goodStatus, 'lastSyncAt', BAD_DATES, 'device'));

  // Ids in the URL path: encoded path tricks, bad encodings and sizes.
  const badPathIds = ['..%2F..%2Fetc%2Fpasswd', '%2e%2e', 'a%00b', 'a%20b', '%C3%B1', 'x'.repeat(65), '%E0%A4%A', '%', 'a%2Fb', '%F0%9F%98%80'];
  for (const id of badPathIds) {
    corpus.push({ name: `delete backup path ${id.slice(0, 20)}`, method: 'DELETE', path: `/api/cloud-backups/${id}` });
    corpus.push({ name: `revoke device path ${id.slice(0, 20)}`, method: 'DELETE', path: `/api/devices/${id}` });
  }
  corpus.push({ name: 'delete backup absent', method: 'DELETE', path: '/api/cloud-backups/absent-backup' });
  corpus.push({ name: 'revoke device absent', method: 'DELETE', path: '/api/devices/absent-device' });

  const badQueries = ['storeId=', 'storeId=..%2Fx', 'storeId=a&storeId=b', `storeId=${'q'.repeat(65)}`, 'storeId=%E0%A4%A', 'storeId=a%00'];
  for (const query of badQueries) {
    corpus.push({ name: `list backups query ${query.slice(0, 24)}`, method: 'GET', path: `/api/cloud-backups?${query}` });
    corpus.push({ name: `list devices query ${query.slice(0, 24)}`, method: 'GET', path: `/api/devices?${query}` });
  }

  // The audit log's paging parameters: out-of-range or non-decimal limits and cursors this server never issued.
  const badAuditQueries = [
    'limit=0',
    'limit=501',
    'limit=-5',
    'limit=2.5',
    'limit=1e2',
    'limit=0x10',
    'limit=',
    'limit=5&limit=6',
    `limit=${'9'.repeat(10_000)}`,
    'before=',
    'before=%00',
    'before=..%2F..%2Fetc',
    'before=YWJj',
    `before=${Buffer.from("2026-01-01T00:00:00.000Z x' OR '1'='1").toString('base64url')}`,
    `before=${'b'.repeat(300)}`,
    'before=a&before=b',
  ];
  for (const query of badAuditQueries) {
    corpus.push({ name: `audit query ${query.slice(0, 24)}`, method: 'GET', path: `/api/audit?${query}` });
  }
  corpus.push({ name: 'device reads audit', method: 'GET', path: '/api/audit', token: 'device' });

  // Malformed bodies, wrong content types and oversized bodies on every JSON endpoint.
  const jsonEndpoints: Array<[string, BadInput['token']]> = [
    ['/api/stores', 'superadmin'],
    [upload, 'superadmin'],
    [confirm, 'superadmin'],
    [download, 'superadmin'],
    ['/api/devices', 'superadmin'],
    ['/api/devices/status', 'device'],
  ];
  for (const [path, token] of jsonEndpoints) {
    for (const text of MALFORMED_JSON) corpus.push({ name: `${path} malformed ${JSON.stringify(text)}`, method: 'POST', path, body: text, token });
    for (const contentType of WRONG_CONTENT_TYPES) {
      corpus.push({ name: `${path} content type ${contentType}`, method: 'POST', path, body: JSON.stringify(GOOD_UPLOAD), contentType, token });
    }
    corpus.push({ name: `${path} no content type`, method: 'POST', path, body: JSON.stringify(GOOD_UPLOAD), contentType: null, token });
    corpus.push({ name: `${path} 65 KiB body`, method: 'POST', path, body: JSON.stringify({ ...GOOD_UPLOAD, pad: 'p'.repeat(65 * 1024) }), token });
    corpus.push({ name: `${path} 1 MiB body`, method: 'POST', path, body: JSON.stringify({ pad: 'p'.repeat(1024 * 1024) }), token });
    corpus.push({ name: `${path} invalid UTF-8`, method: 'POST', path, body: Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), token });
    corpus.push({ name: `${path} array body`, method: 'POST', path, body: [GOOD_UPLOAD], token });
    corpus.push({ name: `${path} string body`, method: 'POST', path, body: '"text"', token });
    corpus.push({ name: `${path} prototype pollution`, method: 'POST', path, body: '{"__proto__":{"admin":true},"name":"x"}', token });
    corpus.push({ name: `${path} empty body`, method: 'POST', path, body: '', token });
  }

  // Credentials in odd shapes.
  const badAuthorizations = ['Bearer', 'Bearer a b', 'Basic dXNlcjpwYXNz', `Bearer ${'t'.repeat(10_000)}`, 'bearer\tx', 'Token abc'];
  for (const authorization of badAuthorizations) {
    corpus.push({ name: `authorization ${authorization.slice(0, 20)}`, method: 'GET', path: '/api/stores', token: 'none', headers: { authorization } });
  }
  corpus.push({ name: 'retention-run without secret', method: 'POST', path: '/api/cloud-backups/retention-run', token: 'none' });
  corpus.push({ name: 'retention-run wrong secret', method: 'POST', path: '/api/cloud-backups/retention-run', token: 'none', headers: { 'x-cron-secret': 'x'.repeat(40) } });
  // The right secret with a malformed dryRun must be rejected before retention runs.
  const badDryRuns = ['dryRun=yes', 'dryRun=1', 'dryRun=TRUE', 'dryRun=', 'dryRun=true&dryRun=false', `dryRun=${'t'.repeat(10_000)}`];
  for (const query of badDryRuns) {
    const path = `/api/cloud-backups/retention-run?${query}`;
    corpus.push({ name: `retention-run query ${query.slice(0, 24)}`, method: 'POST', path, token: 'none', headers: { 'x-cron-secret': CRON_SECRET } });
  }
  // A dry run does not lift the secret check.
  corpus.push({ name: 'retention-run dry run wrong secret', method: 'POST', path: '/api/cloud-backups/retention-run?dryRun=true', token: 'none', headers: { 'x-cron-secret': 'x'.repeat(40) } });
  corpus.push({ name: 'device lists backups', method: 'GET', path: '/api/cloud-backups', token: 'device' });
  corpus.push({ name: 'unknown route', method: 'GET', path: '/api/../../etc/passwd' });
  corpus.push({ name: 'unknown method', method: 'PATCH', path: '/api/stores', body: {} });

  // The filesystem driver's storage routes: unsigned, tampered and path tricks.
  const objectPaths = ['stores/corpus/x.zip', '..%2F..%2Furl-signing.key', '.hidden', 'a//b.zip', `${'k'.repeat(300)}.zip`];
  for (const objectPath of objectPaths) {
    corpus.push({ name: `storage GET unsigned ${objectPath.slice(0, 20)}`, method: 'GET', path: `/api/storage/objects/${objectPath}`, token: 'none', filesystemOnly: true });
    corpus.push({
      name: `storage PUT forged ${objectPath.slice(0, 20)}`,
      method: 'PUT',
      path: `/api/storage/objects/${objectPath}?size=3&sha256=${GOOD_SHA256}&expires=9999999999&sig=${'0'.repeat(64)}`,
      body: 'abc',
      contentType: 'application/octet-stream',
      token: 'none',
      filesystemOnly: true,
    });
  }
  return corpus;
}

const CORPUS = buildCorpus();

interface StateSnapshot {
  stores: number;
  backups: string;
  devices: string;
  objects: string[];
}

async function snapshot(server: TestServer): Promise<StateSnapshot> {
  const stores = listStoresResponseSchema.parse((await callApi(server, 'GET', '/api/stores')).body).stores;
  const backups = listBackupsResponseSchema.parse((await callApi(server, 'GET', '/api/cloud-backups')).body).backups;
  const devices = listDevicesResponseSchema.parse((await callApi(server, 'GET', '/api/devices')).body).devices;
  return {
    stores: stores.length,
    backups: JSON.stringify(backups),
    // lastUsedAt changes with every authenticated call, so it is left out.
    devices: JSON.stringify(devices.map((device) => ({ ...device, lastUsedAt: null }))),
    objects: await listStoredObjects(server),
  };
}

async function send(server: TestServer, input: BadInput, deviceToken: string): Promise<{ status: number; body: unknown }> {
  const headers: Record<string, string> = { ...input.headers };
  if (input.token === undefined || input.token === 'superadmin') headers['authorization'] = `Bearer ${server.token}`;
  if (input.token === 'device') headers['authorization'] = `Bearer ${deviceToken}`;

  let body: string | Buffer | undefined;
  if (Buffer.isBuffer(input.body) || typeof input.body === 'string') body = input.body;
  else if (input.body !== undefined) body = JSON.stringify(input.body);
  if (body !== undefined && input.contentType !== null) headers['content-type'] = input.contentType ?? 'application/json';

  const response = await fetch(`${server.url}${input.path}`, { method: input.method, headers, body });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
}

test('corpus has at least 200 bad inputs', () => {
  assert.ok(CORPUS.length >= 200, `only ${CORPUS.length} cases`);
  assert.equal(new Set(CORPUS.map((input) => input.name)).size, CORPUS.length, 'case names are unique');
});

for (const backend of BACKENDS) {
  describe(`bad input corpus on ${backend.database} + ${backend.storage}`, () => {
    let server: TestServer;
    let deviceToken: string;
    let before_: StateSnapshot;

    before(async () => {
      server = await startTestServer({
        ...backend,
        // The corpus sends many rejected credentials from one address on purpose.
        env: { CRON_SECRET, AUTH_FAILURE_LIMIT: '100000' },
      });
      await createStore(server, STORE_ID);
      await createStore(server, 'other-store');
      deviceToken = (await createDevice(server, STORE_ID)).token;
      await uploadBackup(server, STORE_ID, Buffer.from('an existing backup'));
      before_ = await snapshot(server);
    });
    after(() => server.close());

    for (const input of CORPUS) {
      if (input.filesystemOnly === true && backend.storage !== 'filesystem') continue;

      test(input.name, async () => {
        const response = await send(server, input, deviceToken);
        assert.equal(Math.floor(response.status / 100), 4, `HTTP ${response.status}: ${JSON.stringify(response.body)}`);
        const code = errorBodySchema.parse(response.body).error.code;
        assert.ok(isErrorCode(code), `unknown code ${code}`);
        assert.equal(errorStatus[code], response.status, `code ${code} with HTTP ${response.status}`);
      });
    }

    test('nothing was written', async () => {
      const after_ = await snapshot(server);
      assert.equal(after_.stores, before_.stores);
      assert.equal(after_.backups, before_.backups);
      assert.equal(after_.devices, before_.devices);
      assert.deepEqual(after_.objects, before_.objects);
    });

    test('server still serves health', async () => {
      const response = await callApi(server, 'GET', '/api/health', { token: null });
      assert.equal(response.status, 200);
      assert.equal(Object(response.body).status, 'ok');
    });
  });
}
