import type { Category } from './types.ts';

/**
 * ADF, Azure and connector error codes are named after their cause (UserErrorSinkTableNotExist,
 * UserErrorInvalidCredential). A code that no catalogue row knows still tells an on-call engineer
 * where to look, so its words give a category, answered with Medium confidence and said to be
 * read from the name. Codes that only say "an operation failed" give nothing.
 */
const BY_WORDS: readonly [RegExp, Category][] = [
	[/Timeout|TimedOut/, 'timeout'],
	[/Throttl|TooMany|ServerBusy|Quota|RateLimit/, 'throttling'],
	[/OutOfMemory|DiskFull|NoSpace/, 'resource_exhausted'],
	[/Credential|Password|Login|Token|Authenticat/, 'authentication'],
	[/Permission|Forbidden|AccessDenied|Unauthori[sz]ed|NotAuthori[sz]ed/, 'permission'],
	[/Jre|Driver(?:Not)|Library|Module|Package/, 'dependency'],
	[/Connect(?!ionString)|Network|Unreachable|Offline|Dns|Ssl|Tls|Certificate/, 'connectivity'],
	[
		/ColumnMapping|ColumnName|ColumnType|Schema|TypeNotSupported|UnsupportedType/,
		'schema_mismatch'
	],
	[/TypeConversion|InvalidData|Truncat|Overflow|Malformed|DuplicateKey|NullValue/, 'data_quality'],
	[/NotExists?|NotFound|Missing|DoesNotExist/, 'source_missing'],
	[
		/ConnectionString|InvalidParameter|InvalidProperty|InvalidQuery|Required|NotSupported|Config/,
		'configuration'
	]
];

/** The category a code's name points to, or null when its words name no cause. */
export function categoryFromCodeName(code: string): Category | null {
	// Spark and Delta conditions (DELTA_MISSING_TRANSACTION_LOG) read as their CamelCase words.
	const name = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/.test(code)
		? code.toLowerCase().replace(/(?:^|_)(\w)/g, (_m, c: string) => c.toUpperCase())
		: code;
	// Only CamelCase names of some length: numbers and short tokens carry no words.
	if (!/^[A-Z][A-Za-z0-9]{7,}$/.test(name) || !/[a-z][A-Z]/.test(name)) return null;
	const words = name.replace(/^UserError/, '');
	for (const [pattern, category] of BY_WORDS) if (pattern.test(words)) return category;
	return null;
}
