// consumer/apps/node/imports.cjs — the same entries through require() (Node 20.19+ loads ES modules so).
'use strict';

const found = {};
for (const entry of [
  '@phone-verify/widget',
  '@phone-verify/widget/define',
  '@phone-verify/widget/react',
  '@phone-verify/widget/jsx',
  '@phone-verify/server-plugin',
]) {
  found[entry] = Object.keys(require(entry)).length;
}
console.log(JSON.stringify(found));
