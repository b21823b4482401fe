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
			// Content-Security-Policy of every page; SvelteKit adds a per-response nonce for its
			// inline start-up script ('auto': nonces for rendered pages, hashes if any is
			// prerendered). Styles allow 'unsafe-inline': Svelte renders `style=` attributes
			// and `style:` directives (chart heights, app.html's wrapper) that a nonce cannot
			// cover, and a style cannot run script. Scripts stay 'self' + nonce: no eval
			// (Chart.js draws on canvas without it). connect-src 'self' covers the Socket.IO
			// WebSocket (CSP3 matches ws:/wss: on the same host) and its polling fallback.
			csp: {
				mode: 'auto',
				directives: {
					'default-src': ['self'],
					'script-src': ['self'],
					'style-src': ['self', 'unsafe-inline'],
					'img-src': ['self', 'data:'],
					'font-src': ['self'],
					'connect-src': ['self'],
					'object-src': ['none'],
					'base-uri': ['self'],
					'form-action': ['self'],
					'frame-ancestors': ['none']
				}
			},
			compilerOptions: { runes: true }
		}),
		socketIoDevPlugin()
	],
	server: { port: 3000 }
});
