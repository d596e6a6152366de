// scripts/cjs-entries.mjs
// Both packages are ES modules. Node ≥ 20.19 (our `engines`) loads them with require()
// too, but TypeScript checks a CommonJS file's imports against CommonJS-format
// declarations: under `module: node16` a `require` that lands on an ESM .d.ts is an
// error (what @arethetypeswrong/cli calls CJSResolvesToESM). So each entry gets a
// `require` condition: a one-line `.cjs` that hands back the same ES module (one
// copy of every class, no dual-package hazard) and `.d.cts` copies of the declarations.
//
//   node scripts/cjs-entries.mjs <types dir> <js dir> <entry>…   (entries without extension)

import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';

const [typesDir, jsDir, ...entries] = process.argv.slice(2);
if (!typesDir || !jsDir || entries.length === 0) throw new Error('usage: node scripts/cjs-entries.mjs <types dir> <js dir> <entry>…');

/** `'./x.js'` → `'./x.cjs'` in a declaration: the CommonJS view imports the CommonJS view. */
const relativeJs = /(['"])(\.{1,2}\/[^'"]*?)\.js\1/g;

let copied = 0;
for (const entry of await readdir(typesDir, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !entry.name.endsWith('.d.ts')) continue;
  const file = join(entry.parentPath, entry.name);
  const text = (await readFile(file, 'utf8')).replace(relativeJs, '$1$2.cjs$1').replace(/\/\/# sourceMappingURL=.*$/m, '');
  await writeFile(file.replace(/\.d\.ts$/, '.d.cts'), text);
  copied++;
}
for (const name of entries) {
  const target = join(jsDir, `${name}.cjs`);
  await mkdir(dirname(target), { recursive: true });
  const esm = relative(dirname(target), join(jsDir, `${name}.js`))
    .split(sep)
    .join('/');
  await writeFile(
    target,
    `'use strict';\n// The ES module itself, through require(esm) (Node 20.19+): one copy, whichever way it is loaded.\nmodule.exports = require('./${esm}');\n`,
  );
}
console.log(`${jsDir}: ${entries.length} .cjs entries, ${copied} .d.cts declarations`);
