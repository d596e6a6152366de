// vite.config.ts
// One config for three jobs. `vite build` bundles the self-contained widget (Lit and
// everything inside, for a plain <script type="module">; the demo serves it) into
// widget/dist/. `vite build --mode module` writes the module build for bundlers into
// widget/dist/module/: lit, @lit/react, react and libphonenumber-js stay imports, so an
// app has one copy of each, and the lazy chunks stay lazy. `vitest` runs the Node-side
// tests of server-plugin and demo.

import { transform as minifyCss } from 'lightningcss';
import { defaultStrategy, minifyHTMLLiterals, type Strategy } from 'minify-html-literals';
import { defaultServerConditions, defineConfig, type BuildEnvironmentOptions, type Plugin } from 'vite';

/**
 * minify-html-literals finds the html`…` and css`…` templates with a parser (not a
 * pattern, which a backtick in a string or comment would fool) and minifies them with
 * html-minifier; CSS without `${…}` goes through lightningcss (what Vite uses for CSS),
 * the rest through the library's clean-css. Source maps follow the edits.
 */
const templateStrategy: Strategy = {
  ...defaultStrategy,
  minifyCSS(css, options) {
    if (css.includes('@TEMPLATE_EXPRESSION')) return defaultStrategy.minifyCSS!(css, options);
    return minifyCss({ filename: 'lit.css', code: Buffer.from(css), minify: true }).code.toString();
  },
};

const minifyLitTemplates: Plugin = {
  name: 'phone-verify:minify-lit-templates',
  transform: {
    filter: { id: /widget\/src\/.*\.ts$/ },
    handler(code, id) {
      const result = minifyHTMLLiterals(code, { fileName: id, strategy: templateStrategy });
      return result ? { code: result.code, map: result.map as never } : null;
    },
  },
};

// Workspace packages export their TypeScript under the "@phone-verify/source" condition, so
// tests run against src/ without a build.
const conditions = ['@phone-verify/source', ...defaultServerConditions];

/** The self-contained build: one file to first render, its lazy chunks beside it. */
const selfContained: BuildEnvironmentOptions = {
  outDir: 'widget/dist',
  emptyOutDir: true,
  target: 'es2022',
  // Library mode leaves ES output unminified by default; the size budgets
  // (scripts/bench-widget.mjs) are for minified code.
  minify: true,
  sourcemap: true,
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
};

/** What the module build leaves to the app's bundler: the dependencies in widget/package.json. */
const dependency = /^(lit|@lit\/[^/]+|@lit-labs\/[^/]+|libphonenumber-js|react|react-dom)(\/.*)?$/;

/**
 * The module build: one file per entry, shared code and lazy pieces in chunks/, not
 * minified (the app's bundler does that, and keeps its names readable in development),
 * templates minified all the same, dependencies imported.
 */
const moduleBuild: BuildEnvironmentOptions = {
  outDir: 'widget/dist/module',
  emptyOutDir: true,
  target: 'es2022',
  minify: false,
  sourcemap: true,
  lib: {
    entry: {
      index: 'widget/src/index.ts',
      define: 'widget/src/define.ts',
      react: 'widget/src/react.ts',
      jsx: 'widget/src/jsx.ts',
    },
    formats: ['es'],
    fileName: (_format, name) => `${name}.js`,
  },
  rolldownOptions: {
    external: (id) => dependency.test(id),
    plugins: [minifyLitTemplates],
    // The package's version names these files; no hash needed (an app's bundler adds its own).
    output: { chunkFileNames: 'chunks/[name].js' },
  },
};

export default defineConfig(({ mode }) => ({
  build: mode === 'module' ? moduleBuild : selfContained,
  resolve: { conditions: ['@phone-verify/source', 'module', 'browser', 'production'] },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    // Vitest's default is one worker fewer than the cores: one on two cores. The files mostly
    // wait (on provider deadlines, sockets, browsers), so two at a time share two cores well,
    // even beside the widget's browser launches (npm test runs them together; three workers
    // were no faster there and loaded the machine enough to miss Redis's 1 s command deadline).
    maxWorkers: 2,
    // Beside the widget's browsers a CPU-bound test (a hundred requests over HTTP) can take
    // several times its quiet-machine time: the 5 s default would turn slowness into failure.
    testTimeout: 30_000,
    hookTimeout: 60_000,
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
        // The packed tarballs installed into fixture apps outside the workspace
        // (consumer/setup.ts): what a new user gets, checked as they would use it.
        extends: true,
        test: {
          name: 'consumer',
          include: ['consumer/test/**/*.test.ts'],
          globalSetup: ['consumer/setup.ts'],
          // After the other projects, not beside them: its builds and browsers would
          // otherwise load the two cores under the demo's Chromium suite.
          sequence: { groupOrder: 1 },
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 240_000,
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
}));
