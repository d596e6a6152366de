// consumer/test/packages.test.ts — the tarballs as tools see them: every widget entry
// imported in Node without a DOM (and required from CommonJS), the server's main entry
// loading no Redis code, publint and @arethetypeswrong/cli (node16 and bundler) on both
// tarballs, and the shipped custom-elements.json valid against the manifest schema.

import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { exec, root } from './helpers.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const bin = (name: string) => join(repo, 'node_modules/.bin', name);
const tarballs = ['phone-verify-server-plugin.tgz', 'phone-verify-widget.tgz'];

describe('in Node, without a DOM', () => {
  it('should import every widget entry without throwing, and register the tag only in Lit’s shim registry', async () => {
    const found = JSON.parse(await exec(process.execPath, ['apps/node/imports.mjs'], root()));
    expect(found['@phone-verify/widget']).toEqual(expect.arrayContaining(['PhoneVerify', 'PhoneVerifySuccessEvent']));
    expect(found['@phone-verify/widget/define']).toEqual(expect.arrayContaining(['PhoneVerify']));
    expect(found['@phone-verify/widget/react']).toEqual(['PhoneVerify']);
    expect(found['@phone-verify/widget/jsx']).toEqual([]);
    expect(found.defined).toBe(true);
    expect(found.server).toBe(true);
  });

  it('should load no Redis code from the server’s main entry, though ioredis is installed; the redis entry loads it', async () => {
    expect(existsSync(join(root(), 'node_modules/ioredis'))).toBe(true);
    const found = JSON.parse(await exec(process.execPath, ['apps/node/imports.mjs'], root()));
    expect(found.mainLoadsRedis).toBe(false);
    expect(found.redisEntry).toEqual(['FAIL_FAST_REDIS_OPTIONS', 'RedisLimitStore', 'RedisStore', 'createRedisClient']);
    expect(found.redisEntryLoadsRedis).toBe(true);
  });

  it('should require() every entry from CommonJS', async () => {
    const found = JSON.parse(await exec(process.execPath, ['apps/node/imports.cjs'], root()));
    expect(Object.values(found).every((n) => typeof n === 'number')).toBe(true);
    expect(found['@phone-verify/server-plugin']).toBeGreaterThan(20);
  });
});

describe('the tarballs', () => {
  for (const tarball of tarballs) {
    it(`should pass publint with no errors or warnings: ${tarball}`, async () => {
      const output = await exec(bin('publint'), ['run', join(root(), 'packs', tarball), '--strict'], repo);
      expect(output).toMatch(/All good!/);
    });

    it(`should have no @arethetypeswrong/cli problem in node16 (from CJS and ESM) and bundler resolution: ${tarball}`, async () => {
      // --profile node16 leaves out only node10 (no `exports` support), which an ES-module package cannot serve.
      const report = JSON.parse(await exec(bin('attw'), [join(root(), 'packs', tarball), '--profile', 'node16', '--format', 'json'], repo)) as {
        problems: Record<string, Array<{ kind: string; entrypoint?: string; resolutionKind?: string }>>;
      };
      const problems = Object.values(report.problems)
        .flat()
        .filter((p) => p.resolutionKind !== 'node10');
      expect(problems).toEqual([]);
    });
  }

  it('should ship a README and a LICENSE in each', () => {
    for (const name of ['server-plugin', 'widget']) {
      const dir = join(root(), 'node_modules/@phone-verify', name);
      expect(readFileSync(join(dir, 'README.md'), 'utf8').length).toBeGreaterThan(500);
      expect(readFileSync(join(dir, 'LICENSE'), 'utf8')).toMatch(/MIT License/);
    }
  });
});

describe('the shipped custom-elements.json', () => {
  const widget = join(root(), 'node_modules/@phone-verify/widget');
  const manifest = () => JSON.parse(readFileSync(join(widget, 'custom-elements.json'), 'utf8'));

  it('should be valid against the schema of the custom-elements-manifest package', () => {
    const schema = JSON.parse(readFileSync(createRequire(import.meta.url).resolve('custom-elements-manifest/schema.json'), 'utf8'));
    const ajv = new Ajv({ allErrors: true, strict: false });
    const valid = ajv.validate(schema, manifest());
    expect(ajv.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('should describe files the package ships, the events with their types and the CSS properties with defaults', () => {
    const { modules } = manifest();
    for (const module of modules) expect(existsSync(join(widget, module.path)), module.path).toBe(true);
    const element = modules.flatMap((m: { declarations: unknown[] }) => m.declarations).find((d: { customElement?: boolean }) => d.customElement);
    expect(element.tagName).toBe('phone-verify');
    expect(element.events.map((e: { type: { text: string } }) => e.type.text)).toEqual([
      'PhoneVerifySentEvent',
      'PhoneVerifySuccessEvent',
      'PhoneVerifyErrorEvent',
      'PhoneVerifyChallengeEvent',
    ]);
    expect(element.cssProperties.every((p: { default?: string }) => typeof p.default === 'string' && p.default.length > 0)).toBe(true);
    const definitions = modules.flatMap((m: { path: string; exports: Array<{ kind: string }> }) =>
      m.exports.filter((e) => e.kind === 'custom-element-definition').map(() => m.path),
    );
    expect(definitions).toEqual(expect.arrayContaining(['dist/module/define.js', 'dist/phone-verify.js']));
  });
});
