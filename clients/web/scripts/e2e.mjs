// The browser tests against the real local stack: starts local-stack's exec jar on free ports with a
// data directory of its own, waits for its READY banner, runs the e2e suite in Debian's Chromium, and
// stops the stack whatever happened. Skips (exit 0) only when Chromium is absent off CI.
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const onCi = process.env.CI === 'true';
const out = join(here, 'target', 'e2e');

if (!existsSync(chromium)) {
  if (onCi) {
    console.error(`e2e: ${chromium} is missing, and CI must run the browser tests (.ci/run installs Debian's chromium)`);
    process.exit(1);
  }
  console.log(`e2e: SKIPPED, no browser at ${chromium} (apt-get install chromium, then run again)`);
  process.exit(0);
}

const jarDir = join(here, '..', '..', 'local-stack', 'target');
const jar = process.env.LOCAL_STACK_JAR ?? (existsSync(jarDir) ? readdirSync(jarDir).filter((f) => /^local-stack-.*-exec\.jar$/.test(f)).map((f) => join(jarDir, f))[0] : undefined);
const demo = join(here, 'dist', 'demo');
if (!jar || !existsSync(jar)) fail('no local-stack exec jar: build it first (./mvnw -B -pl local-stack -am package -DskipTests)');
if (!existsSync(join(demo, 'index.html'))) fail('no demo build: npm run build:demo first');

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const data = mkdtempSync(join(tmpdir(), 'chat-sync-e2e-'));
const started = Date.now();
const log = join(out, 'local-stack.log');
writeFileSync(log, '');
const stack = spawn('java', ['-XX:TieredStopAtLevel=1', '-Xss512k', '-jar', jar], {
  env: {
    ...process.env,
    PORT: '0', PERSISTER_PORT: '0', LOCAL_POSTGRES_PORT: '0', EVENTS_PARTITIONS: '3',
    CHATSYNC_DATA_DIR: data, CHATSYNC_FRESH: 'true', CHATSYNC_DEMO_DIR: demo,
    // The tests read through the API while the page writes, as the same user: a roomier bucket
    // keeps those reads from taking the page's share of the per-user rate limit.
    CHATSYNC_INGEST_RATE_LIMIT_CAPACITY: '2000', CHATSYNC_INGEST_RATE_LIMIT_REFILL_PER_SECOND: '500',
  },
  stdio: ['ignore', 'pipe', 'pipe'],
});
let stopping;
const stop = () => (stopping ??= new Promise((done) => {
  if (stack.exitCode !== null || stack.signalCode !== null) return done();
  const hard = setTimeout(() => {
    stack.kill('SIGKILL');
    killPostgres();
  }, 40_000);
  stack.once('exit', () => { clearTimeout(hard); done(); });
  stack.kill('SIGTERM');
}));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => void stop().then(() => process.exit(1)));

let banner = '';
const url = await new Promise((ok, ko) => {
  const timeout = setTimeout(() => ko(new Error('the local stack did not print READY within 180 s')), 180_000);
  const read = (chunk) => {
    appendFileSync(log, chunk);
    banner += chunk;
    const api = /API\s+(http:\/\/localhost:\d+)\/api\/messages/.exec(banner);
    if (/is READY/.test(banner) && api) { clearTimeout(timeout); ok(api[1]); }
  };
  stack.stdout.on('data', read);
  stack.stderr.on('data', (c) => appendFileSync(log, c));
  stack.once('exit', (code) => { clearTimeout(timeout); ko(new Error(`the local stack exited (${code}) before READY`)); });
}).catch(async (e) => {
  await stop();
  console.error(String(e) + '\n--- ' + log + ' (last lines) ---\n' + readFileSync(log, 'utf8').split('\n').slice(-40).join('\n'));
  rmSync(data, { recursive: true, force: true });
  process.exit(1);
});
stack.stdout.removeAllListeners('data');
stack.stdout.on('data', (c) => appendFileSync(log, c));
const ready = Date.now();
console.log(`e2e: local stack READY at ${url} in ${((ready - started) / 1000).toFixed(1)} s`);

const vitest = join(here, 'node_modules', 'vitest', 'vitest.mjs');
const code = await new Promise((done) => {
  const run = spawn(process.execPath, [vitest, 'run', '--config', 'vitest.e2e.config.ts'], {
    cwd: here, stdio: 'inherit', env: { ...process.env, CHATSYNC_E2E_URL: url, CHROMIUM_PATH: chromium },
  });
  run.once('exit', (c) => done(c ?? 1));
});
const finished = Date.now();
await stop();
rmSync(data, { recursive: true, force: true });
report();
console.log(`e2e: suite ${((finished - ready) / 1000).toFixed(1)} s, with the stack's start ${((finished - started) / 1000).toFixed(1)} s`);
process.exit(code);

function report() {
  const file = join(out, 'metrics.jsonl');
  if (!existsSync(file)) return;
  const rows = readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const latencies = rows.filter((r) => r.kind === 'latency').map((r) => r.ms).sort((a, b) => a - b);
  if (latencies.length) {
    const p50 = latencies[Math.floor((latencies.length - 1) / 2)];
    console.log(`e2e: last keystroke to stored (readable through the API): p50 ${p50} ms over ${latencies.length} (${latencies.join(', ')} ms)`);
  }
  for (const r of rows.filter((x) => x.kind === 'chat')) {
    console.log(`e2e: ${r.name}: ${r.messages} messages, ${r.changes} changes, ${r.posts} POSTs (one POST per change would be ${r.changes})`);
  }
}

function killPostgres() {
  // Only a SIGKILLed stack leaves its Postgres behind: stop the one whose data directory is ours.
  const find = (dir, depth) => {
    if (depth < 0 || !existsSync(dir)) return undefined;
    if (existsSync(join(dir, 'postmaster.pid'))) return join(dir, 'postmaster.pid');
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const f = e.isDirectory() && find(join(dir, e.name), depth - 1);
      if (f) return f;
    }
    return undefined;
  };
  const pidFile = find(data, 3);
  const pid = pidFile && Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (pid) try { process.kill(pid, 'SIGQUIT'); } catch { /* already gone */ }
}

function fail(message) {
  console.error('e2e: ' + message);
  process.exit(1);
}
