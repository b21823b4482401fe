import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSlackBody } from './payload.ts';
import { verifySlackRequest } from './verify.ts';

const CONTRACTS = new URL('../../../../tests/support/contracts/slack/', import.meta.url);
const contract = <T>(name: string): T =>
	JSON.parse(readFileSync(new URL(name, CONTRACTS), 'utf8')) as T;

interface TestVector {
	signing_secret: string;
	'x-slack-request-timestamp': number;
	'x-slack-signature': string;
	raw_body: string;
}
const vector = contract<TestVector>('signing.test-vector.slack-docs.json');
const at = vector['x-slack-request-timestamp'];
const signed = {
	timestamp: String(at),
	signature: vector['x-slack-signature'],
	rawBody: vector.raw_body
};

describe("Slack's request signature", () => {
	it("accepts Slack's documented test vector", () => {
		expect(verifySlackRequest(vector.signing_secret, signed, at * 1000)).toEqual({ ok: true });
	});

	it('refuses the vector with one byte of the body changed, or under another secret', () => {
		const tampered = {
			...signed,
			rawBody: signed.rawBody.replace('user_name=roadrunner', 'user_name=roadrunnex')
		};
		expect(verifySlackRequest(vector.signing_secret, tampered, at * 1000)).toEqual({
			ok: false,
			reason: 'bad_signature'
		});
		expect(verifySlackRequest('another-secret', signed, at * 1000)).toEqual({
			ok: false,
			reason: 'bad_signature'
		});
	});

	it('refuses a signature of another version or shape', () => {
		const hex = signed.signature.slice(3);
		for (const signature of [`v1=${hex}`, hex, 'v0=', `v0=${hex.slice(0, -2)}`])
			expect(
				verifySlackRequest(vector.signing_secret, { ...signed, signature }, at * 1000)
			).toEqual({
				ok: false,
				reason: 'bad_signature'
			});
	});

	it('enforces the 5-minute replay window on both sides of now', () => {
		const check = (nowSec: number) =>
			verifySlackRequest(vector.signing_secret, signed, nowSec * 1000);
		expect(check(at + 299)).toEqual({ ok: true });
		expect(check(at + 301)).toEqual({ ok: false, reason: 'stale_timestamp' });
		expect(check(at + 6 * 60)).toEqual({ ok: false, reason: 'stale_timestamp' });
		expect(check(at - 301)).toEqual({ ok: false, reason: 'stale_timestamp' });
	});

	it('refuses requests without a signature, timestamp or secret', () => {
		const now = at * 1000;
		expect(
			verifySlackRequest(vector.signing_secret, { ...signed, signature: undefined }, now)
		).toEqual({
			ok: false,
			reason: 'missing_signature'
		});
		for (const timestamp of [undefined, '', 'yesterday', '1531420618.5'])
			expect(verifySlackRequest(vector.signing_secret, { ...signed, timestamp }, now)).toEqual({
				ok: false,
				reason: 'missing_signature'
			});
		expect(verifySlackRequest('', signed, now)).toEqual({ ok: false, reason: 'missing_signature' });
	});

	it('accepts the form-encoded block_actions body signed with the v0 scheme', () => {
		const req = contract<{
			headers: Record<string, string>;
			signing_secret: string;
			raw_body: string;
		}>('block_actions.button.signed-request.computed.json');
		const ts = Number(req.headers['x-slack-request-timestamp']);
		expect(
			verifySlackRequest(
				req.signing_secret,
				{
					timestamp: String(ts),
					signature: req.headers['x-slack-signature'],
					rawBody: req.raw_body
				},
				ts * 1000 + 60_000
			)
		).toEqual({ ok: true });
	});
});

describe('request body', () => {
	it('reads the interaction JSON out of the form field `payload`', () => {
		const raw = readFileSync(
			new URL('block_actions.button.form-encoded-body.bolt-python-fixture.txt', CONTRACTS),
			'utf8'
		);
		const parsed = parseSlackBody('application/x-www-form-urlencoded', raw.trim());
		expect(parsed).toEqual({
			kind: 'dispatch',
			body: contract('block_actions.button.bolt-python-fixture.json')
		});
	});

	it('reads slash commands as form fields, and answers the Events API challenge and SSL check', () => {
		const command = parseSlackBody(
			'application/x-www-form-urlencoded; charset=utf-8',
			vector.raw_body
		);
		expect(command).toMatchObject({
			kind: 'dispatch',
			body: { command: '/webhook-collect', user_name: 'roadrunner' }
		});
		expect(
			parseSlackBody(
				'application/json',
				JSON.stringify({ type: 'url_verification', challenge: 'c-123' })
			)
		).toEqual({
			kind: 'url_verification',
			challenge: 'c-123'
		});
		expect(parseSlackBody('application/x-www-form-urlencoded', 'ssl_check=1&token=x')).toEqual({
			kind: 'ssl_check'
		});
	});

	it('names what is wrong with a body it cannot read', () => {
		expect(
			parseSlackBody('application/x-www-form-urlencoded', 'payload=%7Bnot-json')
		).toMatchObject({ kind: 'invalid' });
		expect(parseSlackBody('application/json', '[1,2]')).toMatchObject({ kind: 'invalid' });
		expect(parseSlackBody('text/plain', 'hello')).toEqual({
			kind: 'invalid',
			message: 'unsupported content type text/plain'
		});
	});
});
