/**
 * Browser tests of the flow builder (`npm run test:browser`): playwright-core driving Debian's
 * Chromium against a real Parley booted by core's test harness. Kept out of `npm test`.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig, mergeConfig } from 'vitest/config';
import base from '../vitest.config.js';

const config = mergeConfig(
  base,
  defineConfig({
    root: fileURLToPath(new URL('..', import.meta.url)),
    test: { testTimeout: 90_000, hookTimeout: 120_000, fileParallelism: false },
  }),
);
// mergeConfig concatenates arrays: replace the include list instead
config.test!.include = ['core/test/builder*.browser.ts'];
export default config;
