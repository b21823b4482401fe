import COMMON_LIST from './common-passwords.txt?raw';

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 1000;

/** The 10,000 most common passwords (SecLists, MIT: see common-passwords.LICENSE), lower case. */
const COMMON = new Set(
	COMMON_LIST.split('\n')
		.map((l) => l.trim().toLowerCase())
		.filter(Boolean)
);

// Neighbours on a keyboard or in the alphabet, either direction: rows of QWERTY, QWERTZ and
// AZERTY, the columns of a QWERTY keyboard (1qaz, 2wsx, ...), the alphabet and the digits.
const SEQUENCES = [
	'abcdefghijklmnopqrstuvwxyz',
	'01234567890',
	'`1234567890-=',
	'qwertyuiop[]',
	'asdfghjkl;',
	'zxcvbnm,./',
	'qwertzuiop',
	'yxcvbnm',
	'azertyuiop',
	'qsdfghjklm',
	'wxcvbn',
	'1qaz',
	'2wsx',
	'3edc',
	'4rfv',
	'5tgb',
	'6yhn',
	'7ujm',
	'8ik,',
	'9ol.',
	'0p;/'
];
const NEIGHBOURS = new Set<string>();
for (const s of SEQUENCES)
	for (let i = 1; i < s.length; i++) {
		NEIGHBOURS.add(s[i - 1]! + s[i]!);
		NEIGHBOURS.add(s[i]! + s[i - 1]!);
	}

const LEET: Record<string, string> = {
	'0': 'o',
	'1': 'i',
	'3': 'e',
	'4': 'a',
	'5': 's',
	'7': 't',
	'@': 'a',
	$: 's',
	'!': 'i'
};

/** Lower case, the digits and symbols around the word removed: "Password2024!" → "password". */
function core(p: string): string {
	return p.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '');
}

function isCommon(lower: string): boolean {
	const unleet = (p: string) => p.replace(/[013457@$!]/g, (ch) => LEET[ch] ?? ch);
	const candidates = [lower, core(lower), unleet(lower), core(unleet(lower)), unleet(core(lower))];
	return candidates.some((c) => c.length >= 4 && COMMON.has(c));
}

/**
 * Share of neighbouring character pairs that are the same character, or neighbours on a
 * keyboard or in the alphabet: 1 for "aaaaaaaaaaaa", "abcdefghijkl", "qwertyuiop12",
 * "1qaz2wsx3edc"-like walks come close; a passphrase is far below.
 */
function trivialShare(lower: string): number {
	const chars = [...lower];
	let trivial = 0;
	for (let i = 1; i < chars.length; i++) {
		const a = chars[i - 1]!;
		const b = chars[i]!;
		if (a === b || NEIGHBOURS.has(a + b)) trivial++;
	}
	return trivial / Math.max(1, chars.length - 1);
}

export interface PasswordContext {
	email?: string;
	name?: string;
}

/**
 * Why a new password is refused, or null when it is acceptable: too short, only spaces,
 * one character or a short pattern repeated, a keyboard or alphabet walk, the user's own
 * e-mail or name, or one of the 10,000 most common passwords (also with digits or symbols
 * around it, or in leetspeak). NIST SP 800-63B's list, without composition rules.
 */
export function passwordProblem(password: string, ctx: PasswordContext = {}): string | null {
	const chars = [...password];
	if (chars.length < PASSWORD_MIN) return `password must be at least ${PASSWORD_MIN} characters`;
	if (chars.length > PASSWORD_MAX) return `password must be at most ${PASSWORD_MAX} characters`;
	if (password.trim() === '') return 'password cannot be only spaces';
	const lower = password.normalize('NFKC').toLowerCase();
	const compact = lower.replace(/\s+/g, '');
	if (new Set(compact).size === 1) return 'password cannot be one character repeated';
	if (/^(.{1,6}?)\1+$/su.test(compact)) return 'password cannot be a short pattern repeated';
	if (trivialShare(compact) >= 0.75) return 'password cannot be a keyboard or alphabet sequence';

	const email = ctx.email?.trim().toLowerCase() ?? '';
	const at = email.lastIndexOf('@');
	const local = at > 0 ? email.slice(0, at) : email;
	const name = ctx.name?.trim().toLowerCase() ?? '';
	const personal = [email, local, name, ...name.split(/[\s.\-_]+/)].filter((w) => w.length >= 4);
	if (personal.some((w) => lower.includes(w) || compact.includes(w.replace(/\s+/g, ''))))
		return 'password cannot contain your e-mail address or name';

	if (isCommon(lower) || isCommon(compact))
		return 'password is one of the most common passwords; choose another';
	return null;
}
