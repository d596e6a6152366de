// consumer/setup.ts — vitest globalSetup of the consumer suite: packs both packages
// (`npm pack`, as they would be published) and installs the tarballs into throwaway
// fixture apps outside the workspace, under os.tmpdir(), from the npm registry
// (`--prefer-offline`: ~/.npm serves what it has). One install for the current majors
// (Express 5, React 19, NestJS, Vite, Lit) and one nested `legacy/` for Express 4 and
// React 18, in parallel. The folder is kept between runs so npm has little to do;
// our two packages are always reinstalled from the fresh tarballs. The folder is named
// after the checkout's path, so two checkouts' runs never meet in it.

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('..', import.meta.url));
const here = fileURLToPath(new URL('.', import.meta.url));
/** Apps that need the legacy install's Express 4 / React 18. */
const LEGACY_APPS = ['express4', 'react18'];

declare module 'vitest' {
  export interface ProvidedContext {
    consumerRoot: string;
  }
}

/** The environment for child processes without what the `npm test` and vitest that run us put in it (npm_config_workspace and the like). */
export function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PUPPETEER_SKIP_DOWNLOAD: '1' };
  // Nor vitest's NODE_ENV=test: Vite would then build in development mode (Lit's dev build).
  for (const [key, value] of Object.entries(process.env)) if (!/^(npm_|VITEST)/i.test(key) && !['INIT_CWD', 'NODE_ENV', 'TEST'].includes(key)) env[key] = value;
  return env;
}

async function npm(args: string[], cwd: string): Promise<string> {
  const { stdout } = await run('npm', args, { cwd, env: cleanEnv(), maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

export default async function setup(project: TestProject): Promise<() => void> {
  const started = performance.now();
  const built = [
    'server-plugin/dist/index.js',
    'server-plugin/dist/redis.js',
    'widget/dist/phone-verify.js',
    'widget/dist/module/define.js',
    'widget/dist/types/index.d.ts',
  ];
  const missing = built.filter((file) => !existsSync(join(repo, file)));
  if (missing.length > 0) throw new Error(`consumer suite: ${missing.join(', ')} missing; run \`npm run build\` first (npm test does)`);

  // One folder per checkout: runs from two checkouts on one machine must not share it.
  const checkout = createHash('sha256').update(repo).digest('hex').slice(0, 10);
  const root = process.env.PHONE_VERIFY_CONSUMER_DIR ?? join(tmpdir(), `phone-verify-consumer-${checkout}`);
  const legacy = join(root, 'legacy');
  const packs = join(root, 'packs');
  await rm(packs, { recursive: true, force: true });
  await mkdir(packs, { recursive: true });
  await npm(['pack', '--workspace', 'server-plugin', '--workspace', 'widget', '--pack-destination', packs, '--silent'], repo);
  for (const file of await readdir(packs)) await rename(join(packs, file), join(packs, file.replace(/-\d+\.\d+\.\d+.*\.tgz$/, '.tgz')));
  const packed = performance.now();

  await mkdir(legacy, { recursive: true });
  await cp(join(here, 'fixture/package.json'), join(root, 'package.json'));
  await cp(join(here, 'fixture/legacy/package.json'), join(legacy, 'package.json'));
  for (const dir of [join(root, 'apps'), join(legacy, 'apps')]) await rm(dir, { recursive: true, force: true });
  for (const app of await readdir(join(here, 'apps'))) {
    await cp(join(here, 'apps', app), join(LEGACY_APPS.includes(app) ? legacy : root, 'apps', app), { recursive: true });
  }
  // Our packages come from this run's tarballs, never from what an earlier run left.
  for (const dir of [root, legacy]) {
    await rm(join(dir, 'node_modules/@phone-verify'), { recursive: true, force: true });
    await rm(join(dir, 'node_modules/.package-lock.json'), { force: true });
  }
  const install = ['install', '--prefer-offline', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error'];
  await Promise.all([npm(install, root), npm(install, legacy)]);
  const installed = performance.now();

  console.log(`consumer: packed in ${((packed - started) / 1000).toFixed(1)} s, installed into ${root} in ${((installed - packed) / 1000).toFixed(1)} s`);
  project.provide('consumerRoot', root);
  // The suite's own timing, printed when vitest tears it down (its budget: 4 minutes).
  return () =>
    console.log(
      `consumer: ${((performance.now() - started) / 1000).toFixed(1)} s from its setup to its teardown (in a full \`vitest run\` this includes the projects that run before it)`,
    );
}
