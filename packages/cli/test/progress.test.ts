import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createProgress, formatBytes } from '../src/progress.ts';

function capture(isTTY: boolean) {
  const chunks: string[] = [];
  return { stream: { isTTY, write: (text: string) => chunks.push(text) }, chunks };
}

describe('createProgress', () => {
  test('plain output prints every 10 percent', () => {
    const { stream, chunks } = capture(false);
    let clock = 0;
    const progress = createProgress(stream, 'Download', { now: () => clock });
    for (let bytes = 0; bytes <= 1000; bytes += 25) {
      clock += 100;
      progress.update(bytes, 1000);
    }
    progress.finish();

    const percents = chunks.map((line) => Number(/: (\d+)%/.exec(line)?.[1]));
    assert.deepEqual(percents, [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    assert.ok(chunks.every((line) => line.endsWith('\n')));
  });

  test('plain line shows bytes and rate', () => {
    const { stream, chunks } = capture(false);
    let clock = 0;
    const progress = createProgress(stream, 'Upload', { now: () => clock });
    clock = 2000;
    progress.update(4 * 1024 * 1024, 4 * 1024 * 1024);
    assert.equal(chunks[0], 'Upload: 100% (4.0 MiB / 4.0 MiB, 2.0 MiB/s)\n');
  });

  test('no rate in the first second', () => {
    const { stream, chunks } = capture(false);
    let clock = 0;
    const progress = createProgress(stream, 'Upload', { now: () => clock });
    clock = 1;
    progress.update(1024 * 1024, 10 * 1024 * 1024);
    clock = 1000;
    progress.update(2 * 1024 * 1024, 10 * 1024 * 1024);
    assert.equal(chunks[0], 'Upload: 10% (1.0 MiB / 10.0 MiB)\n');
    assert.equal(chunks[1], 'Upload: 20% (2.0 MiB / 10.0 MiB, 2.0 MiB/s)\n');
  });

  test('terminal bar has no rate at first', () => {
    const { stream, chunks } = capture(true);
    let clock = 0;
    const progress = createProgress(stream, 'Upload', { now: () => clock });
    clock = 1;
    progress.update(1024 * 1024, 10 * 1024 * 1024);
    assert.equal(chunks[0], `\rUpload [###---------------------------]  10%  1.0 MiB / 10.0 MiB\u001b[K`);
  });

  test('terminal bar redraws in place', () => {
    const { stream, chunks } = capture(true);
    let clock = 0;
    const progress = createProgress(stream, 'Download', { now: () => clock, redrawIntervalMs: 100 });
    clock = 1000;
    progress.update(512, 1024);
    clock = 1010;
    progress.update(600, 1024);
    clock = 2000;
    progress.update(1024, 1024);
    progress.finish();

    assert.equal(chunks.length, 3, 'the update 10 ms after a draw is skipped');
    assert.ok(chunks[0]?.startsWith('\rDownload ['));
    assert.match(chunks[0] ?? '', / 50%  512 B \/ 1\.0 KiB  512 B\/s/);
    assert.match(chunks[1] ?? '', /\[#{30}\] 100%/);
    assert.equal(chunks[2], '\n');
  });

  test('zero-byte total counts as complete', () => {
    const { stream, chunks } = capture(false);
    createProgress(stream, 'Extraction').update(0, 0);
    assert.match(chunks[0] ?? '', /: 100% /);
  });
});

describe('formatBytes', () => {
  test('uses binary units', () => {
    assert.equal(formatBytes(0), '0 B');
    assert.equal(formatBytes(1023), '1023 B');
    assert.equal(formatBytes(1536), '1.5 KiB');
    assert.equal(formatBytes(1024 ** 3), '1.0 GiB');
  });
});
