import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

// Served by core at /inbox (built assets in dist/). `npm run dev -w inbox-ui` proxies the API
// and socket.io to a Parley on localhost:3000 (or PARLEY_URL).
const target = process.env.PARLEY_URL ?? 'http://localhost:3000';

export default defineConfig({
  base: '/inbox/',
  plugins: [vue()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 800 },
  server: {
    port: 5173,
    proxy: {
      '/api': target,
      '/socket.io': { target, ws: true },
    },
  },
});
