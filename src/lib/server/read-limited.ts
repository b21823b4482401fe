/**
 * Reads a body up to `limit` bytes. A larger one (by its Content-Length or as read) stops the
 * read at once, so the rest is never buffered: the answer is then `tooLarge`, with at most the
 * first 64 KiB for the record of the refusal.
 */
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
