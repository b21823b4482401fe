import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import { sha256Hex } from '../crypto/tokens.ts';
import type { Pool } from '../db/pool.ts';

/** Created by Migration20261127200000_auth_limits; shared by every Vigil instance. */
export const AUTH_LIMITS_TABLE = 'auth_rate_limits';

export interface LimitRule {
	/** Attempts allowed in `duration` seconds… */
	points: number;
	duration: number;
	/** …and how long the key is refused once it went over. */
	blockDuration: number;
}

export interface AuthLimitRules {
	/** Sign-in attempts from one address, whatever the account (successes are given back). */
	loginIp: LimitRule;
	/** Failed sign-ins for one account from one address, reset by a success. */
	loginAccountIp: LimitRule;
	/** Sign-in attempts for one account from anywhere: a guesser spread over many addresses. */
	loginAccount: LimitRule;
	/** Sign-ups from one address. */
	signupIp: LimitRule;
	/** Sign-ups for one e-mail address. */
	signupAccount: LimitRule;
}

const MIN = 60;
export const DEFAULT_AUTH_LIMITS: AuthLimitRules = {
	loginIp: { points: 50, duration: 15 * MIN, blockDuration: 15 * MIN },
	loginAccountIp: { points: 10, duration: 15 * MIN, blockDuration: 15 * MIN },
	loginAccount: { points: 50, duration: 60 * MIN, blockDuration: 15 * MIN },
	signupIp: { points: 20, duration: 60 * MIN, blockDuration: 60 * MIN },
	signupAccount: { points: 5, duration: 60 * MIN, blockDuration: 60 * MIN }
};

export type Gate = { ok: true } | { ok: false; retryAfterS: number };

export interface AuthLimits {
	/**
	 * Counts a sign-in attempt before any password is hashed; refused (with the seconds to
	 * wait) when this address or account is over its limit. Attempts are counted up front,
	 * so a burst of concurrent guesses cannot all slip in before the first is counted.
	 */
	login(email: string, ip: string): Promise<Gate>;
	/** The sign-in just counted was right: it does not count against the address or account. */
	loginSucceeded(email: string, ip: string): Promise<void>;
	/** Counts a sign-up attempt before its password is hashed. */
	signup(email: string, ip: string): Promise<Gate>;
	/** Stops the sweep of expired rows. */
	stop(): void;
}

/** E-mails are kept out of the table: keys are digests. */
const account = (email: string) => sha256Hex(email.trim().toLowerCase()).slice(0, 32);

/**
 * The limited unit of a client address: IPv4 as it is (also when IPv4-mapped), IPv6 by
 * its /64, which one subscriber usually holds whole, so rotating within it does not
 * reset the count.
 */
export function addressKey(ip: string): string {
	const addr = ip
		.trim()
		.toLowerCase()
		.replace(/^\[|\]$/g, '')
		.replace(/%.*$/, '');
	const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(addr);
	if (mapped) return mapped[1]!;
	if (!addr.includes(':')) return addr;
	const [head = '', tail = ''] = addr.split('::');
	const h = head ? head.split(':') : [];
	const t = addr.includes('::') && tail ? tail.split(':') : [];
	const groups = addr.includes('::')
		? [...h, ...Array(Math.max(0, 8 - h.length - t.length)).fill('0'), ...t]
		: addr.split(':');
	return groups
		.slice(0, 4)
		.map((g) => g.replace(/^0+(?=.)/, ''))
		.join(':')
		.concat('::/64');
}

/**
 * Rate limits for sign-in and sign-up in PostgreSQL (rate-limiter-flexible), so they hold
 * across instances and restarts. Each limiter checks its key with one atomic upsert.
 */
export function createAuthLimits(
	pool: Pool,
	rules: AuthLimitRules = DEFAULT_AUTH_LIMITS
): AuthLimits {
	const limiter = (keyPrefix: string, rule: LimitRule) =>
		new RateLimiterPostgres({
			storeClient: pool,
			storeType: 'pool',
			tableName: AUTH_LIMITS_TABLE,
			tableCreated: true,
			// Expired rows are deleted by the sweep below, not by a timer in every limiter.
			clearExpiredByTimeout: false,
			keyPrefix,
			...rule
		});
	const loginIp = limiter('login_ip', rules.loginIp);
	const loginAccountIp = limiter('login_acct_ip', rules.loginAccountIp);
	const loginAccount = limiter('login_acct', rules.loginAccount);
	const signupIp = limiter('signup_ip', rules.signupIp);
	const signupAccount = limiter('signup_acct', rules.signupAccount);

	/** Consumes one point on each key in turn; stops at the first that refuses. */
	async function gate(steps: [RateLimiterPostgres, string][]): Promise<Gate> {
		for (const [rl, key] of steps) {
			try {
				await rl.consume(key);
			} catch (res) {
				if (res instanceof RateLimiterRes)
					return { ok: false, retryAfterS: Math.max(1, Math.ceil(res.msBeforeNext / 1000)) };
				throw res;
			}
		}
		return { ok: true };
	}

	const sweep = setInterval(() => {
		pool
			.query(`delete from ${AUTH_LIMITS_TABLE} where expire < $1`, [Date.now() - 3_600_000])
			.catch(() => {}); // Not critical: rows are only looked at while they have not expired.
	}, 5 * 60_000);
	sweep.unref();

	return {
		login: (email, ip) =>
			gate([
				[loginIp, addressKey(ip)],
				[loginAccountIp, `${account(email)}:${addressKey(ip)}`],
				[loginAccount, account(email)]
			]),
		async loginSucceeded(email, ip) {
			await Promise.all([
				loginAccountIp.delete(`${account(email)}:${addressKey(ip)}`),
				loginAccount.reward(account(email)),
				loginIp.reward(addressKey(ip))
			]);
		},
		signup: (email, ip) =>
			gate([
				[signupIp, addressKey(ip)],
				[signupAccount, account(email)]
			]),
		stop: () => clearInterval(sweep)
	};
}
