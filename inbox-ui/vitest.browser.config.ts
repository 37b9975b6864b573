/**
 * Browser tests of the inbox (`npm run test:browser`): playwright-core driving Debian's
 * Chromium against a real Parley booted by core's test harness. Kept out of `npm test`
 * (they need a built inbox and a browser); CI runs them after the MySQL suite.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig, mergeConfig } from 'vitest/config';
import base from '../vitest.config.js';

const config = mergeConfig(
  base,
  defineConfig({
    root: fileURLToPath(new URL('..', import.meta.url)),
    test: { testTimeout: 60_000, hookTimeout: 120_000, fileParallelism: false },
  }),
);
// mergeConfig concatenates arrays: replace the include list instead
config.test!.include = ['core/test/inbox*.browser.ts', 'core/test/channels-settings*.browser.ts'];
export default config;
