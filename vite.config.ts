// vite.config.ts
// One config for two jobs: `vite build` bundles the widget (Lit included) into
// widget/dist, and `vitest` runs the Node-side tests of server-plugin and demo.

import { transform as minifyCss } from 'lightningcss';
import { defaultServerConditions, defineConfig, type Plugin } from 'vite';

/**
 * Minifies the widget's Lit templates at build time: css`…` through lightningcss
 * (Vite's own CSS minifier), html`…` by dropping the indentation between tags.
 * Only literals without `${…}` are touched in CSS; in HTML only whitespace that
 * contains a line break, which never carries meaning in these templates.
 */
const minifyLitTemplates: Plugin = {
  name: 'phone-verify:minify-lit-templates',
  transform: {
    filter: { id: /widget\/src\/.*\.ts$/ },
    handler(code) {
      const out = code.replace(/\b(html|css)`([^`]*)`/g, (literal, tag: string, body: string) => {
        if (tag === 'html') return `html\`${body.replace(/>\s*\n\s*</g, '><').replace(/\s*\n\s*/g, ' ')}\``;
        if (body.includes('${') || body.includes('\\')) return literal;
        return `css\`${minifyCss({ filename: 'lit.css', code: Buffer.from(body), minify: true }).code.toString()}\``;
      });
      return out === code ? null : { code: out, map: null };
    },
  },
};

// Workspace packages export their TypeScript under the "source" condition, so
// tests run against src/ without a build.
const conditions = ['source', ...defaultServerConditions];

export default defineConfig({
  build: {
    outDir: 'widget/dist',
    emptyOutDir: true,
    target: 'es2022',
    // Library mode leaves ES output unminified by default; the size budgets
    // (scripts/bench-widget.mjs) are for minified code.
    minify: true,
    lib: {
      entry: 'widget/src/define.ts',
      formats: ['es'],
      fileName: () => 'phone-verify.js',
    },
    rolldownOptions: {
      plugins: [minifyLitTemplates],
      output: {
        minify: true,
        // The bundle is loaded by pages as it is, not bundled again: annotations and
        // comments would only be bytes (Lit is BSD-3-Clause, libphonenumber-js MIT;
        // widget/README.md says so).
        comments: { legal: false, annotation: false, jsdoc: false },
        // The lazy chunks (formatting, mobile metadata, one per locale) sit beside
        // phone-verify.js and are imported by relative URL, so serving the folder
        // anywhere (the demo's /assets/) works.
        chunkFileNames: 'phone-verify-[name]-[hash:6].js',
      },
    },
  },
  resolve: { conditions: ['source', 'module', 'browser', 'production'] },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'server-plugin',
          include: ['server-plugin/test/**/*.test.ts'],
          exclude: ['server-plugin/test/express4.test.ts'],
          environment: 'node',
        },
      },
      {
        // The same HTTP suites with Express 4 in place of 5 across the whole module graph
        // (the plugin's own import included): the peer range promises both.
        extends: true,
        resolve: { alias: { express: 'express4' } },
        test: {
          name: 'express4',
          include: ['server-plugin/test/router.test.ts', 'server-plugin/test/strategy.*.test.ts', 'server-plugin/test/express4.test.ts'],
          environment: 'node',
        },
      },
      {
        extends: true,
        test: {
          name: 'demo',
          include: ['demo/test/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
