// Runs every benchmark and records the results in docs/benchmarks.md.
// Kept out of `npm test`: the test globs do not include bench/.
import { describeRetentionResults, readRetentionRows, recordRetentionResults, runRetentionBenchmark } from './retention-1m.ts';
import { describeResult, recordResult, runSync1GiBBenchmark } from './sync-1gib.ts';

// Each benchmark replaces only its own section of docs/benchmarks.md and keeps
// that section's earlier rows.
const retentionRows = await readRetentionRows();

const result = await runSync1GiBBenchmark();
for (const line of describeResult(result)) console.log(line);
await recordResult(result);

const retentionResults = await runRetentionBenchmark();
for (const line of describeRetentionResults(retentionResults)) console.log(line);
await recordRetentionResults(retentionResults, retentionRows);
console.log('Results appended to docs/benchmarks.md');
