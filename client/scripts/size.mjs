// Prints the size of this library and of axios-auth-refresh, each bundled and minified by
// esbuild with axios left external, then gzipped: what an app pays on top of axios.
// Usage: node scripts/size.mjs
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const here = join(dirname(fileURLToPath(import.meta.url)), '..');

async function measure(label, contents) {
  const result = await build({
    stdin: { contents, resolveDir: here, loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    external: ['axios'],
    write: false,
    logLevel: 'silent',
  });
  const bytes = result.outputFiles[0].contents;
  return { label, minified: bytes.length, gzipped: gzipSync(bytes, { level: 9 }).length };
}

const rows = [
  await measure(
    '@seamless/client, the default entry (every export)',
    "export * from './src/index.ts';",
  ),
  await measure(
    '@seamless/client, fetch use (createAuthClient + createFetch)',
    "export { createAuthClient, createFetch } from './src/index.ts';",
  ),
  await measure(
    '@seamless/client + /axios, axios use (createAuthClient + attachAxios)',
    "export { createAuthClient } from './src/index.ts'; export { attachAxios } from './src/axios.ts';",
  ),
  await measure('@seamless/client/core, every export', "export * from './src/internals.ts';"),
  await measure(
    'axios-auth-refresh (default export)',
    "export { default } from 'axios-auth-refresh';",
  ),
];

console.log('| bundle | min | min+gzip |');
console.log('|---|---:|---:|');
for (const row of rows) {
  console.log(`| ${row.label} | ${row.minified} B | ${row.gzipped} B |`);
}
