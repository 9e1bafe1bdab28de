// Builds the demo editor into src/CollabHost/wwwroot (index.html, app.css, app.js, and Quill's quill.snow.css, which
// the rich-text page loads), which is committed so that
// `dotnet run --project src/CollabHost` serves it on a fresh machine with nothing to build.
// `node scripts/build-demo.mjs --check` builds into a temporary folder and fails if the committed files differ
// (./test.sh runs it, so a source change without a rebuild is caught).
import { build } from 'esbuild';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const wwwroot = path.resolve(root, '../../src/CollabHost/wwwroot');
const STATIC_FILES = ['index.html', 'app.css'];
// Stylesheets taken as they are from the pinned packages.
const PACKAGE_FILES = { 'quill.snow.css': 'node_modules/quill/dist/quill.snow.css' };
const BUILT_FILES = [...STATIC_FILES, ...Object.keys(PACKAGE_FILES), 'app.js'];

async function buildInto(outDir) {
  await build({
    entryPoints: [path.join(root, 'demo/main.js')],
    outfile: path.join(outDir, 'app.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    legalComments: 'eof',
    logLevel: 'warning',
  });
  for (const file of STATIC_FILES) await copyFile(path.join(root, 'demo', file), path.join(outDir, file));
  for (const [file, from] of Object.entries(PACKAGE_FILES)) await copyFile(path.join(root, from), path.join(outDir, file));
}

if (process.argv.includes('--check')) {
  const outDir = await mkdtemp(path.join(tmpdir(), 'collab-demo-'));
  try {
    await buildInto(outDir);
    const stale = [];
    for (const file of BUILT_FILES) {
      const fresh = await readFile(path.join(outDir, file));
      const committed = await readFile(path.join(wwwroot, file)).catch(() => null);
      if (!committed || !fresh.equals(committed)) stale.push(file);
    }
    if (stale.length > 0) {
      console.error(`src/CollabHost/wwwroot is stale (${stale.join(', ')}): run "npm run build" in clients/js and commit`);
      process.exit(1);
    }
    console.log(`src/CollabHost/wwwroot matches a fresh build (${BUILT_FILES.join(', ')})`);
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
} else {
  await buildInto(wwwroot);
  console.log(`built ${BUILT_FILES.join(', ')} into ${path.relative(process.cwd(), wwwroot)}`);
}
