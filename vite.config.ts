import adapter from '@sveltejs/adapter-node';
import { sveltekit } from '@sveltejs/kit/vite';
import tailwindcss from '@tailwindcss/vite';
import { defineConfig } from 'vite';
import { socketIoDevPlugin } from './server/dev-plugin.ts';

export default defineConfig({
	plugins: [
		tailwindcss(),
		sveltekit({
			adapter: adapter({ out: 'build' }),
			// SvelteKit's own check also refuses body-less POSTs without an Origin header,
			// which breaks API clients (curl with a bearer token). hooks.server.ts `csrf`
			// enforces the same origin rule for browser sessions instead.
			csrf: { trustedOrigins: ['*'] },
			compilerOptions: { runes: true }
		}),
		socketIoDevPlugin()
	],
	server: { port: 3000 }
});
