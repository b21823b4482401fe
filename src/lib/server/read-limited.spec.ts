import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { HEAD_BYTES, readEncodedBody, readLimited } from './read-limited.ts';

const LIMIT = 1024 * 1024;

function post(body: BodyInit | null, headers: Record<string, string> = {}): Request {
	return new Request('http://vigil.test/x', { method: 'POST', headers, body });
}

/** A body as a stream that fails like adapter-node's when BODY_SIZE_LIMIT is passed. */
function limitedByAdapter(first: Uint8Array | null): Request {
	let pulls = 0;
	const stream = new ReadableStream<Uint8Array>({
		pull(controller) {
			if (pulls++ === 0 && first) controller.enqueue(first);
			else controller.error(Object.assign(new Error('Payload Too Large'), { status: 413 }));
		}
	});
	return new Request('http://vigil.test/x', {
		method: 'POST',
		headers: { 'content-length': String(5 * LIMIT) },
		body: stream,
		duplex: 'half'
	} as RequestInit);
}

describe('readLimited', () => {
	it('reads a body within the limit', async () => {
		expect(await readLimited(post('hello'), 10)).toEqual({ text: 'hello', bytes: 5 });
	});

	it('stops at the limit and keeps the head', async () => {
		const r = await readLimited(post('x'.repeat(100)), 10);
		expect(r).toMatchObject({ tooLarge: true, bytes: 100 });
	});

	it("turns adapter-node's 413 into tooLarge, keeping what was read", async () => {
		const r = await readLimited(limitedByAdapter(new TextEncoder().encode('{"a"')), LIMIT);
		expect(r).toEqual({ tooLarge: true, head: '{"a"', bytes: 5 * LIMIT });
		expect(await readLimited(limitedByAdapter(null), LIMIT)).toEqual({
			tooLarge: true,
			head: '',
			bytes: 5 * LIMIT
		});
	});
});

describe('readEncodedBody', () => {
	it('reads a plain body and says whether it was valid UTF-8', async () => {
		expect(await readEncodedBody(post('{"a":"ü"}'), LIMIT)).toMatchObject({
			ok: true,
			text: '{"a":"ü"}',
			encoding: null,
			invalidUtf8: false
		});
		const bad = await readEncodedBody(post(new Uint8Array([0x7b, 0xff, 0x7d])), LIMIT);
		expect(bad).toMatchObject({ ok: true, text: '{\ufffd}', invalidUtf8: true });
	});

	it('decompresses gzip (x-gzip too, identity ignored)', async () => {
		const gz = gzipSync('{"run_id":"z"}');
		for (const enc of ['gzip', 'x-gzip', 'GZIP', 'identity, gzip'])
			expect(await readEncodedBody(post(gz, { 'content-encoding': enc }), LIMIT)).toMatchObject({
				ok: true,
				text: '{"run_id":"z"}',
				encoding: 'gzip',
				size: gz.byteLength
			});
		expect(
			await readEncodedBody(post('{}', { 'content-encoding': 'identity' }), LIMIT)
		).toMatchObject({ ok: true, text: '{}', encoding: null });
	});

	it('refuses a zip bomb as too large once decompressed, keeping its decoded head', async () => {
		const bomb = gzipSync(Buffer.alloc(64 * LIMIT, 'a'));
		expect(bomb.byteLength).toBeLessThan(LIMIT);
		const r = await readEncodedBody(post(bomb, { 'content-encoding': 'gzip' }), LIMIT);
		expect(r).toMatchObject({ ok: false, reason: 'too_large', decompressed: true, base64: false });
		if (!r.ok && r.reason === 'too_large') expect(r.head).toBe('a'.repeat(HEAD_BYTES));
	});

	it('refuses corrupt gzip and unknown encodings, keeping the bytes as base64', async () => {
		const corrupt = await readEncodedBody(
			post('{"not":"gzip"}', { 'content-encoding': 'gzip' }),
			LIMIT
		);
		expect(corrupt).toMatchObject({ ok: false, reason: 'corrupt_encoding' });
		if (!corrupt.ok) expect(Buffer.from(corrupt.head, 'base64').toString()).toBe('{"not":"gzip"}');
		const truncated = gzipSync('{"a":1}').subarray(0, 12);
		expect(
			await readEncodedBody(post(truncated, { 'content-encoding': 'gzip' }), LIMIT)
		).toMatchObject({ ok: false, reason: 'corrupt_encoding' });
		for (const enc of ['br', 'deflate', 'gzip, gzip', 'compress'])
			expect(await readEncodedBody(post('{}', { 'content-encoding': enc }), LIMIT)).toMatchObject({
				ok: false,
				reason: 'unsupported_encoding'
			});
	});
});
