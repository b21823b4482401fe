/**
 * `npm start`: build when the build is missing or older than the sources, then
 * run the server. A fresh clone needs nothing but `npm install && npm start`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const marker = path.join(root, 'build/handler.js');

function newest(dir: string): number {
	let max = 0;
	for (const entry of readdirSync(dir, { withFileTypes: true })) {
		const p = path.join(dir, entry.name);
		max = Math.max(max, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
	}
	return max;
}

const sources = Math.max(newest(path.join(root, 'src')), newest(path.join(root, 'migrations')));
if (!existsSync(marker) || statSync(marker).mtimeMs < sources) {
	process.stdout.write('Building Vigil…\n');
	const r = spawnSync(
		process.execPath,
		[path.join(root, 'node_modules/vite/bin/vite.js'), 'build'],
		{
			cwd: root,
			stdio: 'inherit'
		}
	);
	if (r.status !== 0) process.exit(r.status ?? 1);
}
try {
	await import('../server/index.ts');
} catch (err) {
	// A start the embedded database refuses (another Vigil on the data directory, a PostgreSQL
	// that is not Vigil's): its message is the one line to show.
	if (err instanceof Error && err.name === 'EmbeddedPostgresError') {
		process.stderr.write(`${err.message}\n`);
		process.exit(1);
	}
	throw err;
}
