import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { EntityManager } from '@mikro-orm/postgresql';
import { IngestKeyEntity, UserEntity } from './auth/entities.ts';
import { createIngestKey } from './auth/ingest-keys.ts';
import { createUser } from './auth/users.ts';
import type { Config } from './config.ts';
import { parseKey } from './crypto/seal.ts';
import { newSecret, sha256Hex } from './crypto/tokens.ts';

/** The key for secrets at rest: from the environment, else generated once into the data dir. */
export async function encryptionKey(cfg: Config): Promise<Buffer> {
	if (cfg.VIGIL_ENCRYPTION_KEY) return parseKey(cfg.VIGIL_ENCRYPTION_KEY);
	const file = path.resolve(cfg.VIGIL_DATA_DIR, 'encryption.key');
	try {
		return parseKey((await readFile(file, 'utf8')).trim());
	} catch (err) {
		if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
	}
	await mkdir(path.dirname(file), { recursive: true });
	const key = randomBytes(32).toString('hex');
	try {
		// Exclusive: two processes sharing the data directory must not each write a key of
		// their own (the one overwritten could then not open what it sealed).
		await writeFile(file, key + '\n', { mode: 0o600, flag: 'wx' });
	} catch (err) {
		if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
		return parseKey((await readFile(file, 'utf8')).trim());
	}
	await chmod(file, 0o600);
	return parseKey(key);
}

export interface Generated {
	adminEmail?: string;
	adminPassword?: string;
	ingestKey?: string;
}

/**
 * Creates the bootstrap admin and webhook key when absent. Generated secrets
 * are returned so the caller prints them exactly once.
 */
export async function bootstrapAccounts(em: EntityManager, cfg: Config): Promise<Generated> {
	const out: Generated = {};
	const adminEmail = cfg.VIGIL_ADMIN_EMAIL?.toLowerCase();
	if (adminEmail) {
		if (!(await em.findOne(UserEntity, { email: adminEmail }))) {
			const password = cfg.VIGIL_ADMIN_PASSWORD ?? newSecret('', 15);
			await createUser(
				em,
				{ email: adminEmail, name: 'Administrator', password, role: 'admin' },
				null
			);
			if (!cfg.VIGIL_ADMIN_PASSWORD) Object.assign(out, { adminEmail, adminPassword: password });
		}
	} else if ((await em.count(UserEntity, { role: 'admin' })) === 0) {
		const email = 'admin@vigil.local';
		const password = newSecret('', 15);
		await createUser(em, { email, name: 'Administrator', password, role: 'admin' }, null);
		Object.assign(out, { adminEmail: email, adminPassword: password });
	}
	if (cfg.VIGIL_INGEST_API_KEY) {
		const hash = sha256Hex(cfg.VIGIL_INGEST_API_KEY);
		if (!(await em.findOne(IngestKeyEntity, { keyHash: hash })))
			await createIngestKey(em, 'bootstrap (VIGIL_INGEST_API_KEY)', null, cfg.VIGIL_INGEST_API_KEY);
	} else if ((await em.count(IngestKeyEntity, {})) === 0) {
		out.ingestKey = (await createIngestKey(em, 'bootstrap (generated)', null)).key;
	}
	return out;
}
