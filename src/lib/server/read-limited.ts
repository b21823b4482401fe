/** Reads a body up to `limit` bytes; null when it is larger (the rest is never buffered). */
export async function readLimited(
	request: Request,
	limit: number
): Promise<{ text: string; bytes: number } | { tooLarge: true; head: string; bytes: number }> {
	const declared = Number(request.headers.get('content-length') ?? NaN);
	const reader = request.body?.getReader();
	if (!reader) return { text: '', bytes: 0 };
	const chunks: Uint8Array[] = [];
	let bytes = 0;
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		bytes += value.byteLength;
		if (bytes > limit || declared > limit) {
			chunks.push(value);
			await reader.cancel().catch(() => {});
			const head = new TextDecoder().decode(concat(chunks).subarray(0, 64 * 1024));
			return { tooLarge: true, head, bytes: Number.isFinite(declared) ? declared : bytes };
		}
		chunks.push(value);
	}
	return { text: new TextDecoder().decode(concat(chunks)), bytes };
}

function concat(chunks: Uint8Array[]): Uint8Array {
	const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
	let at = 0;
	for (const c of chunks) {
		out.set(c, at);
		at += c.byteLength;
	}
	return out;
}
