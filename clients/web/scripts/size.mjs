// The core's budget, measured as an app would ship it: bundled, minified, gzipped.
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';

const BUDGET = 8 * 1024;

async function size(entry, external = []) {
  const out = await build({ entryPoints: [entry], bundle: true, minify: true, format: 'esm', write: false, external, logLevel: 'silent' });
  const code = out.outputFiles[0].contents;
  return { min: code.length, gzip: gzipSync(code, { level: 9 }).length };
}

const core = await size('dist/lib/core/index.js');
const react = await size('dist/lib/react/index.js', ['react', '../core/index.js']);
console.log(`chat-sync client: core ${core.gzip} B min+gzip (${core.min} B min), budget ${BUDGET} B; react binding ${react.gzip} B min+gzip on top`);
if (core.gzip > BUDGET) {
  console.error(`core is ${core.gzip - BUDGET} B over its budget`);
  process.exit(1);
}
