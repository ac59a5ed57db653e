#!/usr/bin/env node
import { main } from '../src/main.ts';
import { localeFromEnv } from '../src/messages.ts';

// `backup-sync backups list | head` closes the pipe before all output is written.
// Stop quietly then, as other Unix tools do, instead of crashing on EPIPE.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const controller = new AbortController();
const stop = () => controller.abort();
process.once('SIGINT', stop);
process.once('SIGTERM', stop);

const code = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  locale: localeFromEnv(process.env),
  signal: controller.signal,
});

// Exit explicitly: after Ctrl-C, `agent` may still hold a timer or an upload
// socket that would keep the process alive. An interrupted upload is safe
// (it never becomes AVAILABLE and the next run starts it again). Waiting for
// both write callbacks first flushes output that is still queued on a pipe.
await Promise.all([
  new Promise((resolve) => process.stdout.write('', resolve)),
  new Promise((resolve) => process.stderr.write('', resolve)),
]);
process.exit(code);
