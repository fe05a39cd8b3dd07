import { defineConfig } from 'vite';

// The demo app. `npm run dev` serves it with the API of a running ./run-local.sh behind the same origin.
export default defineConfig({
  root: 'demo',
  build: { outDir: '../dist/demo', emptyOutDir: true },
  server: {
    proxy: {
      '/api': 'http://localhost:8080',
      '/dev': 'http://localhost:8080',
    },
  },
});
