import {
	argon2 as argon2Cb,
	randomBytes,
	scrypt as scryptCb,
	timingSafeEqual,
	type ScryptOptions
} from 'node:crypto';

// Argon2id from node:crypto (Node 24.7+), with OWASP's first recommended parameter set:
// m = 19 MiB, t = 2, p = 1. One hash costs ~75 ms of one libuv thread and 19 MiB.
// Stored in the PHC string format every Argon2 library reads:
//   $argon2id$v=19$m=19456,t=2,p=1$<salt, base64 no padding>$<hash, base64 no padding>
const ARGON2 = { memory: 19 * 1024, passes: 2, parallelism: 1, tagLength: 32 };
const PREFIX = `$argon2id$v=19$m=${ARGON2.memory},t=${ARGON2.passes},p=${ARGON2.parallelism}$`;

// Hashes from before Argon2: scrypt N=2^15, r=8, p=1, still verified, and replaced by an
// Argon2id hash on the account's next successful sign-in (needsRehash).
const SCRYPT_MAXMEM = 64 * 1024 * 1024;

const b64 = (b: Buffer) => b.toString('base64').replace(/=+$/, '');

function argon2(password: string, salt: Buffer, p: typeof ARGON2): Promise<Buffer> {
	return new Promise((resolve, reject) =>
		argon2Cb('argon2id', { message: password.normalize('NFKC'), nonce: salt, ...p }, (err, key) =>
			err ? reject(err) : resolve(key)
		)
	);
}

function scrypt(password: string, salt: Buffer, opts: ScryptOptions): Promise<Buffer> {
	return new Promise((resolve, reject) =>
		scryptCb(password.normalize('NFKC'), salt, 32, opts, (err, key) =>
			err ? reject(err) : resolve(key)
		)
	);
}

export async function hashPassword(password: string): Promise<string> {
	const salt = randomBytes(16);
	return `${PREFIX}${b64(salt)}$${b64(await argon2(password, salt, ARGON2))}`;
}

/** True when the stored hash is not Argon2id with today's parameters: re-hash at sign-in. */
export function needsRehash(hash: string): boolean {
	return !hash.startsWith(PREFIX);
}

const PHC =
	/^\$argon2id\$v=19\$m=(\d{1,7}),t=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
	try {
		const actual = await derive(hash, password);
		return (
			actual !== null && actual.a.length === actual.b.length && timingSafeEqual(actual.a, actual.b)
		);
	} catch {
		return false; // A malformed stored hash refuses the sign-in; it never throws.
	}
}

async function derive(hash: string, password: string): Promise<{ a: Buffer; b: Buffer } | null> {
	const m = PHC.exec(hash);
	if (m) {
		const [memory, passes, parallelism] = [Number(m[1]), Number(m[2]), Number(m[3])];
		// Bounds against a tampered row asking for gigabytes of memory.
		if (memory > 256 * 1024 || passes > 10 || parallelism > 8) return null;
		const expected = Buffer.from(m[5]!, 'base64');
		const salt = Buffer.from(m[4]!, 'base64');
		const params = { memory, passes, parallelism, tagLength: expected.length };
		return { a: await argon2(password, salt, params), b: expected };
	}
	const [alg, n, r, p, salt, key] = hash.split('$');
	if (alg !== 'scrypt' || !n || !r || !p || !salt || !key) return null;
	const N = Number(n);
	if (!(N <= 2 ** 17) || Number(r) > 16 || Number(p) > 4) return null;
	const expected = Buffer.from(key, 'base64');
	const actual = await scrypt(password, Buffer.from(salt, 'base64'), {
		N,
		r: Number(r),
		p: Number(p),
		maxmem: SCRYPT_MAXMEM
	});
	return { a: actual, b: expected };
}
