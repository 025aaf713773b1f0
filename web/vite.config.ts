import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The built app is served by the Seamless server on the same origin as the API;
// in `vite dev` the API calls are proxied to a server running on port 3000.
const api = 'http://localhost:3000';

export default defineConfig({
  base: '/',
  plugins: [react()],
  build: { outDir: 'dist' },
  server: {
    proxy: {
      '/user': api,
      '/aaa': api,
      '/bbb': api,
      '/health': api,
    },
  },
});
