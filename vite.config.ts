// vite.config.ts
// One config for two jobs: `vite build` bundles the widget (Lit included) into
// widget/dist, and `vitest` runs the Node-side tests of server-plugin and demo.

import { defaultServerConditions, defineConfig } from 'vite';

// Workspace packages export their TypeScript under the "source" condition, so
// tests run against src/ without a build.
const conditions = ['source', ...defaultServerConditions];

export default defineConfig({
  build: {
    outDir: 'widget/dist',
    emptyOutDir: true,
    target: 'es2022',
    lib: {
      entry: 'widget/src/define.ts',
      formats: ['es'],
      fileName: () => 'phone-verify.js',
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
