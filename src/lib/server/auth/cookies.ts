/** Minimal Cookie header parser for the Socket.IO handshake (SvelteKit parses its own). */
export function parseCookie(header: string): Record<string, string> {
	const out: Record<string, string> = {};
	for (const part of header.split(';')) {
		const i = part.indexOf('=');
		if (i < 0) continue;
		const name = part.slice(0, i).trim();
		if (!name || name in out) continue;
		try {
			out[name] = decodeURIComponent(part.slice(i + 1).trim());
		} catch {
			out[name] = part.slice(i + 1).trim();
		}
	}
	return out;
}
