// Runs every benchmark and records the results in docs/benchmarks.md.
// Kept out of `npm test`: the test globs do not include bench/.
import { describeResult, recordResult, runSync1GiBBenchmark } from './sync-1gib.ts';

const result = await runSync1GiBBenchmark();
for (const line of describeResult(result)) console.log(line);
await recordResult(result);
console.log('Results appended to docs/benchmarks.md');
