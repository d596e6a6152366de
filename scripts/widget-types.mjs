// scripts/widget-types.mjs
// After `tsc -p widget/tsconfig.types.json`: makes the widget's declarations stand on
// their own. The element's types import the wire protocol's from
// '@phone-verify/server-plugin/protocol' (one owner, server-plugin/src/protocol.ts);
// a page that installs only the widget has no server package, so the protocol's
// built declarations are copied beside ours and the imports pointed at the copy.

import { copyFile, readdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { dirname, join, relative, sep } from 'node:path';

const root = fileURLToPath(new URL('..', import.meta.url));
const types = join(root, 'widget/dist/types');
const protocol = join(root, 'server-plugin/dist/protocol.d.ts');
const specifier = /(['"])@phone-verify\/server-plugin\/protocol\1/g;

const source = await readFile(protocol, 'utf8');
if (/^\s*import\s/m.test(source)) throw new Error('server-plugin/dist/protocol.d.ts imports something: the copy would not stand on its own');
await copyFile(protocol, join(types, 'protocol.d.ts'));

let rewritten = 0;
for (const entry of await readdir(types, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !entry.name.endsWith('.d.ts')) continue;
  const file = join(entry.parentPath, entry.name);
  const text = await readFile(file, 'utf8');
  if (!specifier.test(text)) continue;
  let target = relative(dirname(file), join(types, 'protocol.js')).split(sep).join('/');
  if (!target.startsWith('.')) target = `./${target}`;
  await writeFile(file, text.replace(specifier, `$1${target}$1`));
  rewritten++;
}
const left = [];
for (const entry of await readdir(types, { recursive: true, withFileTypes: true })) {
  if (entry.isFile() && entry.name.endsWith('.d.ts') && (await readFile(join(entry.parentPath, entry.name), 'utf8')).includes('@phone-verify/server-plugin'))
    left.push(entry.name);
}
if (left.length > 0) throw new Error(`declarations still import the server package: ${left.join(', ')}`);
console.log(`widget types: protocol.d.ts copied, ${rewritten} declaration files pointed at it`);
