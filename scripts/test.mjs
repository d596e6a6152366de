// scripts/test.mjs
// `npm test`: every check, in three phases. The build first (everything after reads it);
// then the type-check and the lint side by side (each is one process on one core); then
// vitest and the widget's browser launches side by side. Both test runners spend most of
// their time waiting (on deadlines, sockets, browsers), so on two cores running them
// together takes little more than the longer one alone. Each child's output is passed on
// line by line, whole lines only, so the closing summaries (vitest's `Tests …`, the widget's
// `widget <engine>: …`) stay on lines of their own for .ci/run to read.
// PHONE_VERIFY_TEST_SERIAL=1 runs every step one after another (to read one log at a time).

import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { freePort } from '../server-plugin/test/support/ports.mjs';

const serial = process.env.PHONE_VERIFY_TEST_SERIAL === '1';

/** The phases; the steps of one phase run together. */
const PHASES = [
  [{ name: 'build', args: ['run', '-s', 'build'] }],
  [
    { name: 'typecheck', args: ['run', '-s', 'typecheck'] },
    { name: 'lint', args: ['run', '-s', 'lint'] },
  ],
  [
    { name: 'vitest', args: ['exec', '--', 'vitest', 'run'] },
    // Two web-test-runner processes, each with its own test server, dev-server port and browsers.
    { name: 'widget chromium+firefox', args: ['run', '-s', 'test:widget', '--', '--engine=chromium,firefox'], port: true },
    { name: 'widget webkit+bundle', args: ['run', '-s', 'test:widget', '--', '--engine=webkit,bundle'], port: true },
  ],
];

/** Writes what a stream gives, a whole line at a time (the rest waits for its newline). */
function byLine(stream, out) {
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk) => {
    const text = rest + chunk;
    const end = text.lastIndexOf('\n') + 1;
    if (end) out.write(text.slice(0, end));
    rest = text.slice(end);
  });
  stream.on('end', () => rest && out.write(rest + '\n'));
}

/** Runs one step (web-test-runner on `port`, if given); resolves with its exit code and seconds taken. */
function run(step, together, port) {
  const started = performance.now();
  const args = port ? [...step.args, '--port', String(port)] : step.args;
  const child = spawn('npm', args, { stdio: together ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
  if (together) {
    byLine(child.stdout, process.stdout);
    byLine(child.stderr, process.stderr);
  }
  return new Promise((resolve) => {
    child.on('close', (code, signal) => resolve({ name: step.name, code: code ?? (signal ? 1 : 0), seconds: (performance.now() - started) / 1000 }));
  });
}

const results = [];
for (const phase of PHASES) {
  const together = !serial && phase.length > 1;
  // web-test-runner looks for a free port itself, but two started at once can both pick 8000.
  const ports = [];
  for (const step of phase) {
    let port;
    while (step.port && (!port || ports.includes(port))) port = await freePort();
    ports.push(port);
  }
  const done = together ? await Promise.all(phase.map((step, i) => run(step, true, ports[i]))) : [];
  if (!together) for (const [i, step] of phase.entries()) done.push(await run(step, false, ports[i]));
  results.push(...done);
  // A failed build or type-check makes every later failure noise: stop at the phase that failed.
  if (done.some((r) => r.code !== 0)) break;
}

const failed = results.filter((r) => r.code !== 0);
console.log(`\ntest steps: ${results.map((r) => `${r.name} ${r.seconds.toFixed(0)} s${r.code ? ' (failed)' : ''}`).join(', ')}`);
process.exitCode = failed.length ? 1 : 0;
