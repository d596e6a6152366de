// Types for web-test-runner.browsers.mjs, for the TypeScript suites that share its launch
// details (demo/test/browser.ts). The launchers themselves are only used by the test-runner config.

export interface LaunchMedia {
  colorScheme?: 'dark';
  reducedMotion?: 'reduce';
}

export const CHROMIUM: string;
export const FIREFOX: string;
export const WEBKIT_DRIVER: string;
export const MINIBROWSER: string;
export const CHROMIUM_ARGS: string[];

export function webkitCapabilities(media?: LaunchMedia): {
  browserName: string;
  'wdio:enforceWebDriverClassic': boolean;
  'webkitgtk:browserOptions': { binary: string; args: string[] };
};
export function startWebKitDriver(media?: LaunchMedia): Promise<{ port: number; stop: () => void }>;
