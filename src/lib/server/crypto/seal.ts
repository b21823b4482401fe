import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** AES-256-GCM: secrets at rest are unreadable and tamper-evident without the key. */
export function seal(key: Buffer, plaintext: string): string {
	const iv = randomBytes(12);
	const cipher = createCipheriv('aes-256-gcm', key, iv);
	const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
	return [
		'v1',
		iv.toString('base64'),
		cipher.getAuthTag().toString('base64'),
		data.toString('base64')
	].join(':');
}

export function unseal(key: Buffer, sealed: string): string {
	const [version, iv, tag, data] = sealed.split(':');
	if (version !== 'v1' || !iv || !tag || data === undefined)
		throw new Error('unknown sealed format');
	const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
	decipher.setAuthTag(Buffer.from(tag, 'base64'));
	return Buffer.concat([decipher.update(Buffer.from(data, 'base64')), decipher.final()]).toString(
		'utf8'
	);
}

export function parseKey(text: string): Buffer {
	const key = /^[0-9a-fA-F]{64}$/.test(text)
		? Buffer.from(text, 'hex')
		: Buffer.from(text, 'base64');
	if (key.length !== 32) throw new Error('encryption key must be 32 bytes');
	return key;
}
