import adapter from '@sveltejs/adapter-node';
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';
import { socketIoDevPlugin } from './server/dev-plugin.ts';

export default defineConfig({
	plugins: [
		sveltekit({
			adapter: adapter({ out: 'build' }),
			// Slack and Azure post cross-site; those never reach SvelteKit forms, but
			// webhooks are JSON so the default CSRF check (forms only) stays on.
			compilerOptions: { runes: true }
		}),
		socketIoDevPlugin()
	],
	server: { port: 3000 }
});
