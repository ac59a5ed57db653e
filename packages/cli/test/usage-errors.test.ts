import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { runCli } from './helpers/run-cli.ts';

const api = ['--api', 'http://127.0.0.1:9', '--token', 'secret-token'];
let emptyDir: string;

before(async () => {
  emptyDir = await mkdtemp(join(tmpdir(), 'cli-usage-'));
});

after(async () => {
  await rm(emptyDir, { recursive: true, force: true });
});

/** Each case must exit with code 2 and print one line on stderr matching `expected`. */
const usageCases: Array<{ name: string; argv: () => string[]; expected: RegExp }> = [
  { name: 'no command', argv: () => [], expected: /^Missing command/ },
  { name: 'unknown command', argv: () => ['upload'], expected: /^Unknown command "upload"/ },
  { name: 'unknown flag', argv: () => ['stores', 'list', ...api, '--verbose'], expected: /^Unknown option --verbose\. Run "backup-sync stores --help"/ },
  { name: 'missing flag value', argv: () => ['stores', 'list', '--token', 't', '--api'], expected: /^Missing value for --api\./ },
  { name: 'flag value taken from next flag', argv: () => ['stores', 'list', '--api', '--token', 't'], expected: /^Missing value for --api\./ },
  { name: 'repeated flag', argv: () => ['stores', 'list', ...api, '--json', '--json'], expected: /^--json is given more than once/ },
  { name: 'value on boolean flag', argv: () => ['stores', 'list', ...api, '--json=yes'], expected: /^--json takes no value\. Remove "=yes"/ },
  { name: 'stray argument', argv: () => ['stores', 'list', ...api, 'extra'], expected: /^Unexpected argument "extra"/ },
  { name: 'unknown subcommand', argv: () => ['stores', 'delete', ...api], expected: /^Unknown subcommand "delete" of "stores"/ },
  { name: 'missing api', argv: () => ['stores', 'list', '--token', 't'], expected: /^Missing --api: .*BACKUP_SYNC_API/ },
  { name: 'missing token', argv: () => ['stores', 'list', '--api', 'http://127.0.0.1:9'], expected: /^Missing --token: .*BACKUP_SYNC_TOKEN/ },
  { name: 'api not http', argv: () => ['stores', 'list', '--api', 'ftp://example.test', '--token', 't'], expected: /^--api "ftp:\/\/example\.test" is not a valid http:\/\/ or https:\/\/ URL/ },
  { name: 'api not a URL', argv: () => ['stores', 'list', '--api', '127.0.0.1:3000', '--token', 't'], expected: /^--api "127\.0\.0\.1:3000" is not a valid/ },
  { name: 'token with spaces', argv: () => ['stores', 'list', '--api', 'http://127.0.0.1:9', '--token', 'a b'], expected: /^--token is empty or contains spaces/ },
  { name: 'store name missing', argv: () => ['stores', 'create', ...api], expected: /^Missing --name: give the name \(of the store or device\)/ },
  { name: 'store id invalid', argv: () => ['stores', 'create', ...api, '--name', 'Centro', '--id', 'tienda/1'], expected: /^--id "tienda\/1" is not a valid id: use 1 to 64 letters/ },
  { name: 'store name control character', argv: () => ['stores', 'create', ...api, '--name', 'a\u0007b'], expected: /^--name ".*" is invalid/ },
  { name: 'backups store invalid', argv: () => ['backups', 'list', ...api, '--store', '../x'], expected: /^--store "\.\.\/x" is not a valid id/ },
  { name: 'agent store missing', argv: () => ['agent', ...api, '--dir', emptyDir], expected: /^Missing --store: give the store id/ },
  { name: 'agent dir missing', argv: () => ['agent', ...api, '--store', 'centro'], expected: /^Missing --dir:/ },
  { name: 'agent dir not found', argv: () => ['agent', ...api, '--store', 'centro', '--dir', join(emptyDir, 'nope')], expected: /^--dir ".*nope" does not exist or is not a folder/ },
  { name: 'restore both sources', argv: () => ['restore', ...api, '--backup', 'b1', '--store', 's1', '--latest', '--to', 'x'], expected: /^Use either --backup ID or --store ID --latest, not both\./ },
  { name: 'restore no source', argv: () => ['restore', ...api, '--to', 'x'], expected: /^Say what to restore: --backup ID, or --store ID --latest/ },
  { name: 'restore latest without store', argv: () => ['restore', ...api, '--latest', '--to', 'x'], expected: /^--latest needs --store ID\./ },
  { name: 'restore store without latest', argv: () => ['restore', ...api, '--store', 's1', '--to', 'x'], expected: /^--store needs --latest/ },
  { name: 'restore backup id invalid', argv: () => ['restore', ...api, '--backup', 'a b', '--to', 'x'], expected: /^--backup "a b" is not a valid id/ },
  { name: 'restore target missing', argv: () => ['restore', ...api, '--backup', 'b1'], expected: /^Missing --to: give a new or empty folder/ },
  { name: 'admin email invalid', argv: () => ['admin', 'create-superadmin', '--email', 'nobody'], expected: /^--email "nobody" is not a valid email address/ },
  { name: 'admin subcommand missing', argv: () => ['admin'], expected: /^Unknown subcommand "" of "admin"/ },
  { name: 'serve with argument', argv: () => ['serve', '--port', '80'], expected: /^Unknown option --port/ },
];

describe('usage errors', () => {
  for (const usageCase of usageCases) {
    test(usageCase.name, async () => {
      const run = await runCli(usageCase.argv());
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, usageCase.expected);
      assert.equal(run.stdout, '');
    });
  }

  test('messages are Spanish by default locale', async () => {
    const run = await runCli(['restore', ...api, '--to', 'x'], { locale: 'es' });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^Indique qué restaurar: --backup ID, o --store ID --latest/);
  });

  test('api and token come from the environment', async () => {
    const env = { BACKUP_SYNC_API: 'http://127.0.0.1:9', BACKUP_SYNC_TOKEN: 'secret' };
    const run = await runCli(['restore', '--to', 'x'], { env });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^Say what to restore/);
  });

  test('environment api is validated too', async () => {
    const env = { BACKUP_SYNC_API: 'not a url', BACKUP_SYNC_TOKEN: 'secret' };
    const run = await runCli(['stores', 'list'], { env });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^--api "not a url" is not a valid/);
  });
});

describe('help', () => {
  for (const command of ['serve', 'admin', 'stores', 'backups', 'agent', 'restore', 'retention']) {
    test(`${command} --help`, async () => {
      const run = await runCli([command, '--help']);
      assert.equal(run.code, 0);
      assert.match(run.stdout, new RegExp(`^Usage: backup-sync ${command}`));
      assert.equal(run.stderr, '');
    });
  }

  test('main help lists every command', async () => {
    const run = await runCli(['--help']);
    assert.equal(run.code, 0);
    for (const command of ['serve', 'admin create-superadmin', 'stores create', 'backups list', 'agent', 'restore', 'retention run']) {
      assert.ok(run.stdout.includes(command), `help lacks ${command}`);
    }
  });

  test('help wins over bad flags', async () => {
    const run = await runCli(['restore', '--bogus', '--help']);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /^Usage: backup-sync restore/);
  });
});

describe('failures', () => {
  test('unreachable api exits 1', async () => {
    const port = await closedPort();
    const run = await runCli(['stores', 'list', '--api', `http://127.0.0.1:${port}`, '--token', 't']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, new RegExp(`^Error: Could not connect to http://127\\.0\\.0\\.1:${port}: .*ECONNREFUSED.*Check that the server is running`));
  });
});

/** Returns a loopback port that was free a moment ago and now has no listener, so connections to it are refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return address.port;
}
