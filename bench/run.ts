// Runs every benchmark and records the results in docs/benchmarks.md.
// Kept out of `npm test`: the test globs do not include bench/.
import { describeRetentionResults, readRetentionRows, recordRetentionResults, runRetentionBenchmark } from './retention-1m.ts';
import { describeResult, recordResult, runSync1GiBBenchmark } from './sync-1gib.ts';

// recordResult rewrites docs/benchmarks.md with the 1 GiB section only, so
// the retention rows are read first and written back after it.
const retentionRows = await readRetentionRows();

const result = await runSync1GiBBenchmark();
for (const line of describeResult(result)) console.log(line);
await recordResult(result);

const retentionResults = await runRetentionBenchmark();
for (const line of describeRetentionResults(retentionResults)) console.log(line);
await recordRetentionResults(retentionResults, retentionRows);
console.log('Results appended to docs/benchmarks.md');
