import assert from 'node:assert/strict';
import { test } from 'node:test';
import { attachmentContentDisposition } from '../../src/storage/content-disposition.ts';

test('plain ASCII name is kept', () => {
  assert.equal(attachmentContentDisposition('backup.zip'), `attachment; filename="backup.zip"; filename*=UTF-8''backup.zip`);
});

test('RFC 5987 encodes reserved characters', () => {
  assert.equal(
    attachmentContentDisposition(`it's (a)*b%.zip`),
    `attachment; filename="it's (a)*b_.zip"; filename*=UTF-8''it%27s%20%28a%29%2Ab%25.zip`,
  );
});

test('non-Latin name gets ASCII fallback', () => {
  assert.equal(
    attachmentContentDisposition('копия €.zip'),
    `attachment; filename="_____ _.zip"; filename*=UTF-8''%D0%BA%D0%BE%D0%BF%D0%B8%D1%8F%20%E2%82%AC.zip`,
  );
});
