import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';
import react from '@vitejs/plugin-react';

// Served by core at /builder (built assets in dist/). `npm run dev -w builder-ui` proxies the API
// to a Parley on localhost:3000 (or PARLEY_URL). The canvas (React Flow) is a separate chunk,
// loaded lazily by the editor page only.
const target = process.env.PARLEY_URL ?? 'http://localhost:3000';

export default defineConfig({
  base: '/builder/',
  plugins: [vue(), react({ include: /\.tsx$/ })],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 800 },
  server: { port: 5174, proxy: { '/api': target } },
});
