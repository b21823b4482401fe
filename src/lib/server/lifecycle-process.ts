import { log } from './log.ts';
import type { Runtime } from './runtime.ts';

/** Generated credentials are shown once, on the console of the first start. */
export function printGenerated(rt: Runtime): void {
	const g = rt.generated;
	if (!g.adminPassword && !g.ingestKey) return;
	const lines = ['', '  Vigil generated credentials (shown once, store them now):'];
	if (g.adminPassword)
		lines.push(
			`    admin login:       ${g.adminEmail}`,
			`    admin password:    ${g.adminPassword}`
		);
	if (g.ingestKey) lines.push(`    webhook API key:   ${g.ingestKey}   (header x-api-key)`);
	lines.push('');
	process.stdout.write(lines.join('\n') + '\n');
}

/** adapter-node emits `sveltekit:shutdown` on SIGTERM/SIGINT (our server emits it too). */
export function registerShutdown(rt: Runtime): void {
	process.once('sveltekit:shutdown' as 'exit', () => {
		rt.stop().catch((err) => log.error({ err }, 'shutdown failed'));
	});
}
