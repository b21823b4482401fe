/**
 * Removes secrets and personal data from error text before it leaves Vigil (AI triage).
 * Only the secret values are replaced, by `[REDACTED:<kind>]`; the rest stays byte-identical
 * because the model needs the error wording. Running it twice gives the same text.
 */

export interface Redaction {
	kind: string;
	count: number;
}

interface Redactor {
	kind: string;
	pattern: RegExp;
	/** Returns the replacement, or null to leave the match as it is. */
	replace: (match: string, ...groups: string[]) => string | null;
}

const MARK = '[REDACTED:';
const marker = (kind: string) => `${MARK}${kind}]`;

/** Keys whose value is a secret, in `key=value`, `key: value` and JSON form. */
const SECRET_KEYS: readonly (readonly [RegExp, string])[] = [
	[/^AccountKey$/i, 'storage-account-key'],
	[/^SharedAccessKey$/i, 'shared-access-key'],
	[/^(?:password|passwd|pwd)$/i, 'password'],
	[/^client_?secret$/i, 'client-secret'],
	[/^aws_secret_access_key$/i, 'aws-secret-key'],
	[/^(?:api[_-]?key|apikey)$/i, 'api-key'],
	[/^sig$/i, 'sas-signature'],
	[/^secret$/i, 'secret']
];

const KEY_VALUE =
	/(?<![A-Za-z0-9])(AccountKey|SharedAccessKey|password|passwd|pwd|client_?secret|aws_secret_access_key|api[_-]?key|apikey|(?:access|refresh|auth)_?token|token|secret|sig)(["']?\s*[=:]\s*)("[^"]*"|'[^']*'|\{[^}]*\}|[^\s;&,'"<>)\]]+)/gi;

function keyValue(match: string, key: string, separator: string, value: string): string | null {
	const quoted = /^(["'{])([\s\S]*)(["'}])$/.exec(value);
	const inner = quoted ? (quoted[2] ?? '') : value;
	if (!inner || inner.startsWith(MARK)) return null;
	const kind = SECRET_KEYS.find(([name]) => name.test(key))?.[1] ?? 'token';
	const replaced = quoted ? `${quoted[1]}${marker(kind)}${quoted[3]}` : marker(kind);
	return `${key}${separator}${replaced}`;
}

function fixed(kind: string, pattern: RegExp): Redactor {
	return { kind, pattern, replace: () => marker(kind) };
}

const REDACTORS: readonly Redactor[] = [
	fixed(
		'private-key',
		/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g
	),
	{
		kind: 'url-credentials',
		pattern: /\b([a-z][a-z0-9+.-]{0,30}:\/\/)(?!\[REDACTED:)[^\s:;@/'"]+:[^\s;/'"]+@/gi,
		replace: (_match, scheme) => `${scheme}${marker('url-credentials')}@`
	},
	{
		// A whole SAS query string: its other fields (se, sp, skoid…) describe the grant too.
		kind: 'sas-token',
		pattern: /\?(?=(?:[\w%.+/=:-]*&)*sig=)[\w%.+/=:&-]+/gi,
		replace: (match) => `?${marker('sas-token')}${match.endsWith('.') ? '.' : ''}`
	},
	{
		kind: 'sas-token',
		pattern: /\b(SharedAccessSignature\s*=\s*)(?!\[REDACTED:)[^;\s'"]+/gi,
		replace: (_match, key) => `${key}${marker('sas-token')}`
	},
	{
		kind: 'bearer-token',
		pattern: /\b(Bearer\s+)(?!\[REDACTED:)[A-Za-z0-9\-._~+/]{16,}=*/gi,
		replace: (_match, prefix) => `${prefix}${marker('bearer-token')}`
	},
	{
		kind: 'basic-auth',
		pattern: /\b(Authorization\s*:\s*Basic\s+)(?!\[REDACTED:)[A-Za-z0-9+/]+=*/gi,
		replace: (_match, prefix) => `${prefix}${marker('basic-auth')}`
	},
	fixed('jwt', /\beyJ[\w-]{5,}\.eyJ[\w-]{5,}\.[\w-]*/g),
	fixed('databricks-token', /\bdapi[0-9a-f]{32}(?:-\d+)?\b/g),
	fixed('github-token', /\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b/g),
	fixed('slack-token', /\bxox[abposer]-[A-Za-z0-9-]{10,}/g),
	{
		kind: 'slack-webhook',
		pattern: /(https:\/\/hooks\.slack\.com\/services\/)[A-Za-z0-9/]+/g,
		replace: (_match, base) => `${base}${marker('slack-webhook')}`
	},
	fixed('aws-access-key', /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g),
	fixed('api-key', /\bAIza[0-9A-Za-z_-]{35}\b/g),
	{ kind: 'key-value', pattern: KEY_VALUE, replace: keyValue },
	fixed(
		'email',
		/(?<![\w.%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b/g
	)
];

export function redact(text: string): { text: string; redactions: Redaction[] } {
	const counts = new Map<string, number>();
	let result = text;
	for (const redactor of REDACTORS) {
		result = result.replace(redactor.pattern, (match: string, ...args: unknown[]) => {
			// After the groups, replace() passes the offset (a number), then the input.
			const end = args.findIndex((arg) => typeof arg === 'number');
			const groups = args.slice(0, end).map((arg) => (typeof arg === 'string' ? arg : ''));
			const replacement = redactor.replace(match, ...groups);
			if (replacement === null || replacement === match) return match;
			const kind = /\[REDACTED:([\w-]+)\]/.exec(replacement)?.[1] ?? redactor.kind;
			counts.set(kind, (counts.get(kind) ?? 0) + 1);
			return replacement;
		});
	}
	return { text: result, redactions: [...counts].map(([kind, count]) => ({ kind, count })) };
}
