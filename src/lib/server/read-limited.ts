import { createGunzip } from 'node:zlib';

/** How much of a refused body is kept for the record of the refusal. */
export const HEAD_BYTES = 64 * 1024;

type Bytes =
	| { tooLarge?: undefined; bytes: Uint8Array; size: number }
	| { tooLarge: true; head: Uint8Array; size: number };

/**
 * The body's bytes up to `limit`. A larger one (by its Content-Length or as read) stops the
 * read at once, so the rest is never buffered: the answer is then `tooLarge`, with at most the
 * first HEAD_BYTES. adapter-node's own limit (BODY_SIZE_LIMIT) errors the stream with a 413;
 * that is a `tooLarge` too, so the caller answers (and records) it like its own.
 */
export async function readLimitedBytes(request: Request, limit: number): Promise<Bytes> {
	const declared = Number(request.headers.get('content-length') ?? NaN);
	const reader = request.body?.getReader();
	if (!reader) return { bytes: new Uint8Array(0), size: 0 };
	const chunks: Uint8Array[] = [];
	let size = 0;
	const tooLarge = (): Bytes => ({
		tooLarge: true,
		head: concat(chunks).subarray(0, HEAD_BYTES),
		size: Number.isFinite(declared) && declared > size ? declared : size
	});
	try {
		for (;;) {
			const { done, value } = await reader.read();
			if (done) break;
			size += value.byteLength;
			chunks.push(value);
			if (size > limit || declared > limit) {
				// Not cancelled: under adapter-node that destroys the socket, and the sender sees a
				// reset instead of the 413. SvelteKit discards the unread rest once the answer is sent.
				reader.releaseLock();
				return tooLarge();
			}
		}
	} catch (err) {
		if ((err as { status?: unknown }).status === 413) return tooLarge();
		throw err;
	}
	return { bytes: concat(chunks), size };
}

/** A body up to `limit` bytes as UTF-8 text (see readLimitedBytes). */
export async function readLimited(
	request: Request,
	limit: number
): Promise<{ text: string; bytes: number } | { tooLarge: true; head: string; bytes: number }> {
	const read = await readLimitedBytes(request, limit);
	if (read.tooLarge)
		return { tooLarge: true, head: decodeUtf8(read.head, true).text, bytes: read.size };
	return { text: decodeUtf8(read.bytes).text, bytes: read.size };
}

/**
 * UTF-8 to text; invalid bytes become U+FFFD and say so. A `head` may end inside
 * a character: that partial character is left out, not counted as invalid.
 */
export function decodeUtf8(
	bytes: Uint8Array,
	head = false
): { text: string; invalidUtf8: boolean } {
	try {
		return {
			text: new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: head }),
			invalidUtf8: false
		};
	} catch {
		return { text: new TextDecoder().decode(bytes, { stream: head }), invalidUtf8: true };
	}
}

/** The Content-Encodings a webhook may use besides none (`identity`). */
export const ACCEPTED_ENCODINGS = ['gzip', 'x-gzip'];

export type EncodedBody =
	| {
			ok: true;
			text: string;
			/** Bytes on the wire. */
			size: number;
			encoding: 'gzip' | null;
			invalidUtf8: boolean;
	  }
	| {
			ok: false;
			reason: 'too_large';
			/** Bytes on the wire (Content-Length when the read stopped early). */
			size: number;
			/** Set when the decompressed body is what exceeded the limit. */
			decompressed: boolean;
			encoding: 'gzip' | null;
			/** The first HEAD_BYTES: text, or base64 when `base64` (a compressed body's head). */
			head: string;
			base64: boolean;
			invalidUtf8: boolean;
	  }
	| {
			ok: false;
			reason: 'unsupported_encoding' | 'corrupt_encoding';
			size: number;
			encoding: string;
			message: string;
			/** The first HEAD_BYTES as sent, base64. */
			head: string;
	  };

/**
 * Reads a body of at most `limit` bytes, on the wire and (for gzip) once
 * decompressed. Decompression stops as soon as the output passes `limit`, so a
 * zip bomb costs at most `limit` plus one zlib chunk of memory.
 */
export async function readEncodedBody(request: Request, limit: number): Promise<EncodedBody> {
	const header = request.headers.get('content-encoding') ?? '';
	const codings = header
		.toLowerCase()
		.split(',')
		.map((c) => c.trim())
		.filter((c) => c !== '' && c !== 'identity');
	const read = await readLimitedBytes(request, limit);
	const gzip = codings.length === 1 && ACCEPTED_ENCODINGS.includes(codings[0]!);
	if (codings.length > 0 && !gzip) {
		const bytes = read.tooLarge ? read.head : read.bytes;
		return {
			ok: false,
			reason: 'unsupported_encoding',
			size: read.size,
			encoding: header.trim(),
			message: `Content-Encoding ${JSON.stringify(header.trim())} is not supported: send the body as is or gzip-encoded`,
			head: base64(bytes.subarray(0, HEAD_BYTES))
		};
	}
	if (read.tooLarge) {
		const head = gzip
			? { text: base64(read.head), invalidUtf8: false }
			: decodeUtf8(read.head, true);
		return {
			ok: false,
			reason: 'too_large',
			size: read.size,
			decompressed: false,
			encoding: gzip ? 'gzip' : null,
			head: head.text,
			base64: gzip,
			invalidUtf8: head.invalidUtf8
		};
	}
	if (!gzip || read.size === 0) {
		return { ok: true, size: read.size, encoding: gzip ? 'gzip' : null, ...decodeUtf8(read.bytes) };
	}
	const unzipped = await gunzipLimited(read.bytes, limit);
	if ('corrupt' in unzipped)
		return {
			ok: false,
			reason: 'corrupt_encoding',
			size: read.size,
			encoding: 'gzip',
			message: `Body is not valid gzip (${unzipped.corrupt})`,
			head: base64(read.bytes.subarray(0, HEAD_BYTES))
		};
	if ('tooLarge' in unzipped) {
		const head = decodeUtf8(unzipped.head, true);
		return {
			ok: false,
			reason: 'too_large',
			size: read.size,
			decompressed: true,
			encoding: 'gzip',
			head: head.text,
			base64: false,
			invalidUtf8: head.invalidUtf8
		};
	}
	return { ok: true, size: read.size, encoding: 'gzip', ...decodeUtf8(unzipped.bytes) };
}

async function gunzipLimited(
	input: Uint8Array,
	limit: number
): Promise<{ bytes: Uint8Array } | { tooLarge: true; head: Uint8Array } | { corrupt: string }> {
	const gunzip = createGunzip();
	gunzip.end(input);
	const chunks: Uint8Array[] = [];
	let size = 0;
	try {
		for await (const chunk of gunzip as AsyncIterable<Buffer>) {
			size += chunk.byteLength;
			chunks.push(chunk);
			// Leaving the loop destroys the stream: zlib stops with it.
			if (size > limit) return { tooLarge: true, head: concat(chunks).subarray(0, HEAD_BYTES) };
		}
	} catch (err) {
		return { corrupt: (err as Error).message };
	}
	return { bytes: concat(chunks) };
}

function base64(bytes: Uint8Array): string {
	return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

function concat(chunks: Uint8Array[]): Uint8Array {
	if (chunks.length === 1) return chunks[0]!;
	const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
	let at = 0;
	for (const c of chunks) {
		out.set(c, at);
		at += c.byteLength;
	}
	return out;
}
