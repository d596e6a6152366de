// scripts/bench.mjs
// `npm run bench`: every benchmark, one after another, each printing its own table
// of figures and ratios to a baseline measured in the same run. Not a test.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const benches = [
  ['widget bundle size', ['scripts/bench-widget.mjs']],
  ['server request overhead', ['--expose-gc', 'scripts/bench-server.mjs']],
];

let failed = false;
for (const [title, args] of benches) {
  if (!existsSync(args.at(-1))) continue;
  console.log(`\n== ${title} ==`);
  const run = spawnSync(process.execPath, args, { stdio: 'inherit' });
  if (run.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
