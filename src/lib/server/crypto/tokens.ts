import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';

/** A random secret with a readable prefix (`vgl_…`), as shown to the user once. */
export function newSecret(prefix: string, bytes = 20): string {
	return `${prefix}${encodeBase32LowerCaseNoPadding(randomBytes(bytes))}`;
}

/** Only this digest is stored; a leaked table cannot be replayed as credentials. */
export function sha256Hex(secret: string): string {
	return createHash('sha256').update(secret).digest('hex');
}

export function constantTimeEqualHex(a: string, b: string): boolean {
	const ba = Buffer.from(a, 'hex');
	const bb = Buffer.from(b, 'hex');
	return ba.length === bb.length && timingSafeEqual(ba, bb);
}
