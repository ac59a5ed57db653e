import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cliMessages, localeFromEnv } from '../src/messages.ts';

describe('localeFromEnv', () => {
  test('defaults to Spanish', () => {
    assert.equal(localeFromEnv({}), 'es');
    assert.equal(localeFromEnv({ LANG: 'C.UTF-8' }), 'es');
    assert.equal(localeFromEnv({ LANG: 'POSIX' }), 'es');
  });

  test('reads LANG', () => {
    assert.equal(localeFromEnv({ LANG: 'en_US.UTF-8' }), 'en');
    assert.equal(localeFromEnv({ LANG: 'es_AR.UTF-8' }), 'es');
  });

  test('LC_ALL wins over LC_MESSAGES and LANG', () => {
    assert.equal(localeFromEnv({ LC_ALL: 'es_MX.UTF-8', LC_MESSAGES: 'en_GB', LANG: 'en_US' }), 'es');
    assert.equal(localeFromEnv({ LC_ALL: 'en_US.UTF-8', LANG: 'es_CL' }), 'en');
  });

  test('LC_MESSAGES wins over LANG', () => {
    assert.equal(localeFromEnv({ LC_MESSAGES: 'en_US', LANG: 'es_CO' }), 'en');
  });

  test('empty values are skipped', () => {
    assert.equal(localeFromEnv({ LC_ALL: '', LANG: 'en_US' }), 'en');
  });
});

describe('cliMessages', () => {
  test('every entry has both languages with the same placeholders', () => {
    for (const [key, entry] of Object.entries(cliMessages)) {
      assert.ok(entry.es.length > 0, `${key} lacks Spanish`);
      assert.ok(entry.en.length > 0, `${key} lacks English`);
      const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();
      assert.deepEqual(placeholders(entry.es), placeholders(entry.en), key);
    }
  });
});
