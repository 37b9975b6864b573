import swc from 'unplugin-swc';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vitest/config';

// SWC emits the decorator metadata Nest's dependency injection needs (esbuild does not).
export default defineConfig({
  plugins: [
    // single-file components of the inbox, the builder and their shared ui-kit only (component specs run in happy-dom per file)
    vue({ include: [/inbox-ui\/src\/.*\.vue$/, /builder-ui\/src\/.*\.vue$/, /ui-kit\/src\/.*\.vue$/] }),
    swc.vite({
      jsc: { parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true }, target: 'es2022' },
    }),
  ],
  test: {
    include: ['sdk/src/**/*.spec.ts', 'plugins/*/src/**/*.spec.ts', 'core/src/**/*.spec.ts', 'core/test/**/*.test.ts', 'testing/**/*.spec.ts', 'inbox-ui/src/**/*.spec.ts', 'builder-ui/src/**/*.spec.ts', 'ui-kit/src/**/*.spec.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    execArgv: ['--no-node-snapshot'],
  },
});
