// bench:frontend: builds the app and reports the JavaScript it ships, gzipped.
//   initial = the entry chunk and everything it imports statically (what the first load runs);
//   lazy    = every other chunk (route pages and the shared chunks they pull in).
// Targets: initial <= 200 KB gz, no lazy chunk > 150 KB gz.
// Then Lighthouse against the running prod-sim's signed-in dashboard (scripts/lighthouse.mjs):
// desktop, mobile at Lighthouse's default 4x CPU slowdown (the targets' figures), and mobile at the
// slowdown calibrated from this host's BenchmarkIndex as Lighthouse's docs/throttling.md describes
// (information; --no-calibrated skips it); median of 3 runs each (--lighthouse-runs N); targets:
// mobile performance >= 0.9,
// CLS < 0.1, accessibility 1.0, best practices 1.0. prod-sim must be up (it fails at once,
// saying how to start it); --no-lighthouse skips this part.
// Writes bench-results/frontend.json at the repository root and exits 1 when a target is missed.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { lighthouseReport, prodSimImageTag } from './lighthouse.mjs';

const pkgDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = resolve(pkgDir, '../..');
const dist = join(pkgDir, 'dist');
const KB = 1024;
const TARGET_INITIAL = 200 * KB;
const TARGET_LAZY = 150 * KB;

const withLighthouse = !process.argv.includes('--no-lighthouse');
const runsArg = process.argv.indexOf('--lighthouse-runs');
const lighthouseRuns = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 3;
const calibrate = !process.argv.includes('--no-calibrated');
if (withLighthouse) {
  // Before the build: say at once when there is no prod-sim to measure.
  await prodSimImageTag().catch((error) => {
    console.error(error.message);
    process.exit(1);
  });
}

if (!process.argv.includes('--no-build')) {
  execFileSync('pnpm', ['exec', 'vite', 'build', '--logLevel', 'warn'], {
    cwd: pkgDir,
    stdio: 'inherit',
  });
}

const manifest = JSON.parse(readFileSync(join(dist, '.vite/manifest.json'), 'utf8'));
const sizeOf = (file) => {
  const bytes = readFileSync(join(dist, file));
  return { bytes: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
};

const entries = Object.entries(manifest).filter(([, c]) => c.isEntry);
if (entries.length !== 1) throw new Error(`expected one entry chunk, found ${entries.length}`);

const initial = new Set();
const visit = (key) => {
  if (initial.has(key)) return;
  initial.add(key);
  for (const dep of manifest[key].imports ?? []) visit(dep);
};
visit(entries[0][0]);

const describe = (key) => ({
  chunk: manifest[key].name ?? key,
  file: manifest[key].file,
  ...sizeOf(manifest[key].file),
});
const initialChunks = [...initial].map(describe);
const initialGzip = initialChunks.reduce((n, c) => n + c.gzip, 0);
const lazyChunks = Object.keys(manifest)
  .filter((key) => !initial.has(key) && manifest[key].file.endsWith('.js'))
  .map((key) => ({ ...describe(key), dynamic_entry: Boolean(manifest[key].isDynamicEntry) }))
  .sort((a, b) => b.gzip - a.gzip);

// What opening each route costs on top of the initial load (its chunk plus shared chunks).
const routes = Object.keys(manifest)
  .filter((key) => manifest[key].isDynamicEntry)
  .map((key) => {
    const seen = new Set();
    const walk = (k) => {
      if (seen.has(k) || initial.has(k)) return;
      seen.add(k);
      for (const dep of manifest[k].imports ?? []) walk(dep);
    };
    walk(key);
    return {
      route_chunk: manifest[key].name ?? key,
      gzip_on_top_of_initial: [...seen].reduce((n, k) => n + sizeOf(manifest[k].file).gzip, 0),
    };
  })
  .sort((a, b) => b.gzip_on_top_of_initial - a.gzip_on_top_of_initial);

const largestLazy = lazyChunks[0]?.gzip ?? 0;
const report = {
  generated_at: new Date().toISOString(),
  unit: 'bytes',
  gzip: 'zlib level 9',
  targets: { initial_js_gzip_max: TARGET_INITIAL, lazy_chunk_gzip_max: TARGET_LAZY },
  initial_js: {
    gzip: initialGzip,
    bytes: initialChunks.reduce((n, c) => n + c.bytes, 0),
    chunks: initialChunks,
  },
  lazy_chunks: lazyChunks,
  largest_lazy_chunk_gzip: largestLazy,
  routes,
  pass: { initial: initialGzip <= TARGET_INITIAL, lazy: largestLazy <= TARGET_LAZY },
};
const resultsDir = join(repoRoot, 'bench-results');
mkdirSync(resultsDir, { recursive: true });
if (withLighthouse) {
  report.lighthouse = await lighthouseReport({
    repoRoot,
    pkgDir,
    resultsDir,
    runs: lighthouseRuns,
    calibrate,
  });
  report.pass.lighthouse = Object.values(report.lighthouse.targets).every((t) => t.met);
}
writeFileSync(
  join(repoRoot, 'bench-results/frontend.json'),
  `${JSON.stringify(report, null, 2)}\n`,
);

const kb = (n) => `${(n / KB).toFixed(1)} KB`;
console.log(
  `initial JS: ${kb(initialGzip)} gz (target ${kb(TARGET_INITIAL)}) ${report.pass.initial ? 'OK' : 'OVER'}`,
);
console.log(
  `largest lazy chunk: ${kb(largestLazy)} gz ${lazyChunks[0] ? `(${lazyChunks[0].chunk})` : ''} (target ${kb(TARGET_LAZY)}) ${report.pass.lazy ? 'OK' : 'OVER'}`,
);
for (const c of lazyChunks) console.log(`  lazy ${c.chunk.padEnd(20)} ${kb(c.gzip).padStart(9)}`);
if (report.lighthouse) {
  const lh = report.lighthouse;
  console.log(
    `lighthouse (prod-sim ${lh.prod_sim_image_tag}, median of ${lh.runs_per_form_factor}):`,
  );
  console.log(
    `  host BenchmarkIndex ${lh.host_benchmark_index}; mobile at Lighthouse's 4x CPU slowdown, mobile_calibrated at ${lh.calibrated_cpu_slowdown}x (docs/throttling.md's calibration for this host)`,
  );
  for (const ff of ['mobile', 'mobile_calibrated', 'desktop'].filter((name) => lh[name])) {
    const m = lh[ff].median;
    console.log(
      `  ${ff.padEnd(17)} performance ${m.performance} accessibility ${m.accessibility} best-practices ${m.best_practices} CLS ${m.cls} FCP ${m.fcp_ms} ms LCP ${m.lcp_ms} ms TBT ${m.tbt_ms} ms`,
    );
  }
  for (const [name, t] of Object.entries(lh.targets)) {
    const bound = 'min' in t ? `>= ${t.min}` : `< ${t.max_exclusive}`;
    console.log(`  target ${name} ${bound}: ${t.value} ${t.met ? 'OK' : 'MISSED'}`);
  }
}
console.log('wrote bench-results/frontend.json');
if (Object.values(report.pass).includes(false)) process.exit(1);
