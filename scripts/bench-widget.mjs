// scripts/bench-widget.mjs
// The widget's bundle sizes against its budgets and against a bare Lit element built
// the same way in the same run: first-render bundle, the lazy formatting chunk (code
// only), each locale chunk, the server's GET /metadata answers (the demo's countries,
// every country, and their mobile variants), and the whole widget with formatting =
// first render + lazy code chunks + the demo countries' metadata. Minified bytes and
// gzip -9 bytes (KB = 1000 bytes). A benchmark, not a test: it prints figures and
// exits 0 unless a build fails.
//
// The self-contained build's first render has the budget; the module build's, as an app's
// Vite bundles it (`import '@phone-verify/widget/define'`, minified, Lit from
// node_modules), is printed beside it.
//
//   node scripts/bench-widget.mjs            builds server-plugin/dist (tsc) and widget/dist (vite)
//   node scripts/bench-widget.mjs --reuse    measures both as they are

import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = `${root}widget/dist/`;
const configFile = `${root}vite.config.ts`;
const BUDGET_FIRST = 16_000;
const BUDGET_WHOLE = 45_000;
/** The countries the demo allows (demo/src/app.ts): the whole-widget figure counts their metadata. */
const DEMO_COUNTRIES = ['GB', 'IE', 'DE', 'FR', 'NL', 'ES', 'IT', 'US', 'CA'];

const sizeOf = (code) => ({ min: Buffer.byteLength(code), gzip: gzipSync(code, { level: 9 }).length });

/** A tiny LitElement with one template, bundled with the widget's own build settings. */
async function bareLit() {
  const dir = `${root}node_modules/.cache/bench-widget/`;
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const entry = `${dir}bare.js`;
  await writeFile(
    entry,
    `import { html, LitElement } from 'lit';
class BareElement extends LitElement {
  render() {
    return html\`<p>Hello, world</p>\`;
  }
}
customElements.define('bare-element', BareElement);
`,
  );
  await build({
    configFile,
    logLevel: 'warn',
    build: { outDir: `${dir}out`, emptyOutDir: true, lib: { entry, formats: ['es'], fileName: () => 'bare.js' } },
  });
  const size = sizeOf(await readFile(`${dir}out/bare.js`));
  await rm(dir, { recursive: true, force: true });
  return size;
}

/**
 * The module build (widget/dist/module) as an app's bundler produces it: a page entry
 * that imports `@phone-verify/widget/define`, bundled and minified by Vite with its
 * defaults (no template minifier of ours, Lit resolved from node_modules). Returns the
 * entry chunk with its static imports, i.e. what loads before the first render.
 */
async function appBundle() {
  const dir = `${root}node_modules/.cache/bench-widget-app/`;
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const entry = `${dir}app.js`;
  await writeFile(entry, `import ${JSON.stringify(`${dist}module/define.js`)};\n`);
  await build({
    configFile: false,
    root: dir,
    logLevel: 'warn',
    build: { outDir: `${dir}out`, emptyOutDir: true, target: 'es2022', minify: true, lib: { entry, formats: ['es'], fileName: () => 'app.js' } },
  });
  const out = `${dir}out/`;
  const sizes = async (name, seen = new Set()) => {
    if (seen.has(name)) return { min: 0, gzip: 0 };
    seen.add(name);
    const code = await readFile(out + name, 'utf8');
    let size = sizeOf(code);
    for (const [, dep] of code.matchAll(/(?:^|[;}])\s*import\s*(?:[^'"`()]*?from\s*)?["'`]\.\/([^"'`]+)["'`]/g)) {
      const inner = await sizes(dep, seen);
      size = { min: size.min + inner.min, gzip: size.gzip + inner.gzip };
    }
    return size;
  };
  const size = await sizes('app.js');
  await rm(dir, { recursive: true, force: true });
  return size;
}

const serverMetadata = `${root}server-plugin/dist/metadata.js`;
const reuse = process.argv.includes('--reuse') && existsSync(`${dist}phone-verify.js`) && existsSync(serverMetadata);
try {
  if (!reuse) execFileSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-p', `${root}server-plugin`], { stdio: 'inherit' });
} catch (error) {
  console.error('server-plugin build failed:', error.message);
  process.exit(1);
}
try {
  if (!reuse) {
    await build({ configFile, logLevel: 'warn' });
    await build({ configFile, mode: 'module', logLevel: 'warn' });
  }
} catch (error) {
  console.error('widget build failed:', error);
  process.exit(1);
}

let bare;
let app;
try {
  app = await appBundle();
} catch (error) {
  console.error('module build, bundled as an app would, failed:', error);
  process.exit(1);
}
try {
  bare = await bareLit();
} catch (error) {
  console.error('bare Lit build failed:', error);
  process.exit(1);
}

const files = await readdir(dist);
const read = async (name) => sizeOf(await readFile(dist + name));
const find = (pattern) => files.filter((f) => pattern.test(f)).sort();

/** A file and the chunks it imports statically, transitively: what must load before it runs. */
async function withStaticImports(name, seen = new Set()) {
  if (seen.has(name)) return { min: 0, gzip: 0 };
  seen.add(name);
  const code = await readFile(dist + name, 'utf8');
  let size = sizeOf(code);
  for (const [, dep] of code.matchAll(/(?:^|[;}])\s*import\s*(?:[^'"`()]*?from\s*)?["'`]\.\/([^"'`]+)["'`]/g)) {
    const inner = await withStaticImports(dep, seen);
    size = { min: size.min + inner.min, gzip: size.gzip + inner.gzip };
  }
  return size;
}

const plus = (a, b) => ({ min: a.min + (b?.min ?? 0), gzip: a.gzip + (b?.gzip ?? 0) });
const first = await withStaticImports('phone-verify.js');
const [formatFile] = find(/^phone-verify-phone-format-.*\.js$/);
const [codeFile] = find(/^phone-verify-code-step-.*\.js$/);
// The code step comes with the rest of English and the intents' steps (widget/src/chunks.ts).
const withCode = [...find(/^phone-verify-messages-later-.*\.js$/), ...find(/^phone-verify-intent-step-.*\.js$/)];
let code = codeFile ? await read(codeFile) : undefined;
for (const file of withCode) code = code && plus(code, await read(file));
const [comboFile] = find(/^phone-verify-combobox-.*\.js$/);
const combo = comboFile ? await read(comboFile) : undefined;
const format = formatFile ? await read(formatFile) : undefined;
const locales = [];
for (const locale of ['ar', 'de', 'es', 'fr', 'it', 'ja', 'nl', 'pl', 'pt-BR', 'zh-CN']) {
  const [file] = find(new RegExp(`^phone-verify-${locale}-[^-]*\\.js$|^phone-verify-${locale}-.{6}\\.js$`));
  if (file) locales.push([locale, await read(file)]);
}

// The bodies GET /metadata answers (server-plugin's own code, as the router sends them).
const { metadataAnswers } = await import(serverMetadata);
const demoAnswers = metadataAnswers(DEMO_COUNTRIES);
const allAnswers = metadataAnswers('*');
const demoMetadata = sizeOf(demoAnswers('min').body);
const demoMobile = sizeOf(demoAnswers('mobile').body);
const allMetadata = sizeOf(allAnswers('min').body);
const allMobile = sizeOf(allAnswers('mobile').body);

const lazyCode = plus(plus(code ?? { min: 0, gzip: 0 }, combo), format);
const whole = plus(plus(first, lazyCode), demoMetadata);
const demo = DEMO_COUNTRIES.length;

const rows = [
  ['bare Lit element (same build)', bare],
  ['first render: phone-verify.js (Lit, en)', first, BUDGET_FIRST],
  ['first render, module build bundled by an app (Vite defaults)', app],
  ['code step chunks (after first render; + rest of English, intents)', code],
  ['country list chunk (after first render)', combo],
  ['formatting chunk (libphonenumber-js core, no metadata)', format],
  ...locales.map(([locale, size]) => [`  locale ${locale}`, size]),
  [`GET /metadata, demo's ${demo} countries`, demoMetadata],
  ['GET /metadata, every country (allowedCountries *)', allMetadata],
  [`whole widget with formatting (en, demo's ${demo} countries' metadata)`, whole, BUDGET_WHOLE],
  ['whole widget with formatting, every country', plus(plus(first, lazyCode), allMetadata)],
  [`  + GET /metadata?type=mobile, demo's ${demo} (mobile-only)`, demoMobile],
  ['  + GET /metadata?type=mobile, every country', allMobile],
  [`whole widget, mobile-only, demo's ${demo} countries`, plus(whole, demoMobile)],
];

const kb = (bytes) => `${(bytes / 1000).toFixed(2)} KB`;
const table = rows
  .filter(([, size]) => size)
  .map(([name, size, budget]) => ({
    what: name,
    min: kb(size.min),
    'min+gzip': kb(size.gzip),
    'x bare': `${(size.gzip / bare.gzip).toFixed(1)}x`,
    budget: budget ? `${budget <= 0 ? '' : kb(budget)} ${size.gzip <= budget ? 'PASS' : 'OVER'}` : '',
  }));

console.log(`widget bundle sizes (${reuse ? 'widget/dist as found' : 'fresh build'}; gzip level 9; KB = 1000 bytes)`);
console.log(
  `"whole widget with formatting" = first render + code step + country list + formatting chunk + GET /metadata for ${DEMO_COUNTRIES.join(', ')} (the demo's countries); metadata is sent per server, for its allowed countries only`,
);
const columns = ['what', 'min', 'min+gzip', 'x bare', 'budget'];
const widths = columns.map((c) => Math.max(c.length, ...table.map((r) => r[c].length)));
const line = (cells) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
console.log(line(columns));
console.log(line(widths.map((w) => '-'.repeat(w))));
for (const row of table) console.log(line(columns.map((c) => row[c])));
