/**
 * Module hooks for Vite's `?raw` imports (a file's text as the default export), so bench/jira.ts
 * can load src/ in plain Node, where the server build has Vite resolve them (today
 * src/lib/server/auth/password-policy.ts imports its word list that way). bench/jira.ts
 * registers this file (module.register) before importing anything from src/.
 */
import { readFile } from 'node:fs/promises';
import type { LoadHook } from 'node:module';
import { fileURLToPath } from 'node:url';

export const load: LoadHook = async (url, context, nextLoad) => {
	const u = new URL(url);
	if (u.protocol !== 'file:' || !u.searchParams.has('raw')) return nextLoad(url, context);
	const text = await readFile(fileURLToPath(u), 'utf8');
	return {
		format: 'module',
		source: `export default ${JSON.stringify(text)};`,
		shortCircuit: true
	};
};
