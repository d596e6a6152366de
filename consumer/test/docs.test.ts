// consumer/test/docs.test.ts — the README's code as a new user copies it: every
// TypeScript block of README.md, server-plugin/README.md and widget/README.md compiles
// under `strict` against the installed tarballs (Node blocks as NodeNext, page blocks
// with the DOM and React's JSX), and the server snippet of "Add it to your app" runs
// (Express 5, plain http://localhost): a client starts, reads the code from the
// snippet's own sendSms, and signs in. (skipLibCheck here: the declarations themselves
// are checked by the fixture apps' own tsc runs, which do not skip them.)

import { readFileSync } from 'node:fs';
import { cp, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, root, startApp, tsc, type RunningApp } from './helpers.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const READMES = ['README.md', 'server-plugin/README.md', 'widget/README.md'];

interface Block {
  readme: string;
  line: number;
  lang: 'ts' | 'tsx';
  code: string;
  kind: 'server' | 'browser';
  file: string;
}

/** The ```ts and ```tsx fences of a Markdown file, with the line each starts on. */
function blocksOf(readme: string): Block[] {
  const lines = readFileSync(join(repo, readme), 'utf8').split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(ts|tsx)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    while (++i < lines.length && !lines[i]!.startsWith('```')) body.push(lines[i]!);
    const code = body.join('\n');
    const lang = open[1] as 'ts' | 'tsx';
    const kind = lang === 'tsx' || /from '@phone-verify\/widget/.test(code) ? 'browser' : 'server';
    const name = `${readme.replace(/[/.]/g, '-')}-line-${start + 1}.${lang}`;
    blocks.push({ readme, line: start + 1, lang, code, kind, file: name });
  }
  return blocks;
}

const blocks = READMES.flatMap(blocksOf);
const docs = () => join(root(), 'apps/docs');
const runnable = blocks.filter((b) => b.readme === 'README.md' && b.kind === 'server' && /phoneVerifyRouter\(/.test(b.code) && /\.listen\(/.test(b.code));

beforeAll(async () => {
  for (const kind of ['server', 'browser']) {
    await rm(join(docs(), kind), { recursive: true, force: true });
    await mkdir(join(docs(), kind), { recursive: true });
  }
  await cp(join(docs(), 'your-app.ts'), join(docs(), 'server/your-app.ts'));
  for (const block of blocks) await writeFile(join(docs(), block.kind, block.file), `${block.code}\n`);
});

describe('the READMEs’ TypeScript blocks', () => {
  it('should be there to check: server and page blocks, and one runnable server snippet', () => {
    expect(blocks.filter((b) => b.kind === 'server').length).toBeGreaterThanOrEqual(4);
    expect(blocks.filter((b) => b.kind === 'browser').length).toBeGreaterThanOrEqual(2);
    expect(runnable).toHaveLength(1);
  });

  it('should compile under strict against the packed packages: Node blocks (NodeNext)', async () => {
    await tsc(docs(), 'tsconfig.server.json');
  });

  it('should compile under strict against the packed packages: page blocks (DOM, React JSX)', async () => {
    await tsc(docs(), 'tsconfig.browser.json');
  });
});

describe('the server snippet of “Add it to your app”', () => {
  let app: RunningApp | undefined;
  afterAll(async () => {
    await app?.stop();
  });

  it('should run over plain http://localhost: start, the code from its own sendSms, signed in', async () => {
    const compiled = join('dist', runnable[0]!.file.replace(/\.ts$/, '.js'));
    app = await startApp(['--import', './report-port.mjs', compiled], docs(), { SESSION_SECRET: 'doc test secret', PORT: '0', NODE_ENV: 'development' });
    const client = new Client(app.url);
    const started = await client.request('POST', '/auth/phone/start', { phone: '07400 123456', country: 'GB' });
    expect(started).toMatchObject({ status: 200, body: { status: 'pending', phone: '+447400123456' } });
    const code = await app.nextCode();
    expect(await client.request('POST', '/auth/phone/verify', { code })).toEqual({
      status: 200,
      // Issue 13 added `phone`: the proven number, the widget's form value (also after a reload resumed masked).
      body: { status: 'approved', user: { id: 'user-1' }, phone: '+447400123456', redirect: '/account' },
    });
    expect(app.output()).not.toMatch(/ERR_PV_/);
  });
});
