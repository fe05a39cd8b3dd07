// `npm ci`, unless node_modules already holds exactly what package-lock.json says (the last ci's stamp):
// every Maven build starts here, and a full reinstall each time costs more than the build.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const stamp = 'node_modules/.chat-sync-lock';
const lock = createHash('sha256').update(readFileSync('package-lock.json')).digest('hex');
if (existsSync(stamp) && readFileSync(stamp, 'utf8') === lock) {
  console.log('npm ci: node_modules matches package-lock.json');
} else {
  execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { stdio: 'inherit' });
  writeFileSync(stamp, lock);
}
