import { redact } from './redact.ts';
import type {
	Category,
	Confidence,
	Priority,
	Severity,
	TriageInput,
	TriageResult
} from './types.ts';
import { ADF_ACTIVITY_RULES } from './rules/adf-activities.ts';
import { ADF_DATABASE_RULES } from './rules/adf-databases.ts';
import { ADF_STORAGE_RULES } from './rules/adf-storage.ts';
import { DATABRICKS_CODE_RULES } from './rules/databricks-code.ts';
import { DATABRICKS_COMPUTE_RULES } from './rules/databricks-compute.ts';
import { GENERIC_RULES } from './rules/generic.ts';
import type { Rule, Tier } from './rules/rule.ts';
import {
	lookup,
	lookupExact,
	sqlStateClass,
	SQLSTATE_SOURCE,
	STEPS_BY_CATEGORY,
	type CatalogueEntry
} from './catalogue/index.ts';
import { PHRASES, type Phrase } from './phrases.ts';
import { categoryFromCodeName } from './code-names.ts';
import { layers } from './unwrap.ts';
import {
	clusterId,
	columnName,
	keyVaultName,
	tableName,
	blobPath,
	adlsPath,
	storageUrl
} from './rules/entity.ts';

/** Earlier rules win inside a tier, so vendor-specific lists come before the generic one. */
export const RULES: readonly Rule[] = [
	...ADF_STORAGE_RULES,
	...ADF_DATABASE_RULES,
	...ADF_ACTIVITY_RULES,
	...DATABRICKS_COMPUTE_RULES,
	...DATABRICKS_CODE_RULES,
	...GENERIC_RULES
];

export const PRIORITY_BY_SEVERITY: Readonly<Record<Severity, Priority>> = {
	Critical: 'P1',
	High: 'P2',
	Medium: 'P3',
	Low: 'P4'
};

// Error traces can run to megabytes; the cause is near the top and regexes stay fast.
const MAX_TEXT = 20_000;

/**
 * Codes embedded in a message: ADF's `ErrorCode=X` / `ErrorCode: 'X'`, Spark error classes
 * `[TABLE_OR_VIEW_NOT_FOUND]`, data flow `DF-Executor-X`, and bare Databricks codes such as
 * `CLOUD_PROVIDER_LAUNCH_FAILURE` (only these last are "tokens": too loose to name a failure).
 */
const CODE_IN_TEXT =
	/[Ee]rror[ _]?[Cc]ode['"]?\s*[=:]\s*['"]?([\w.-]+)|\[([A-Z][A-Z0-9_]*(?:\.[A-Z0-9_]+)*)\]|\b(DF-[A-Za-z0-9]+-[A-Za-z0-9]+)\b|\b([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)\b/g;

interface CodeHit {
	code: string;
	from: 'field' | 'message' | 'token' | 'failure type';
}

interface Match {
	rule: Rule;
	code: CodeHit | null;
	excerpt: string | null;
}

export function classifyOffline(input: TriageInput): TriageResult {
	const text = input.errorMessage.slice(0, MAX_TEXT);
	const layered = layers(text);
	const codes = candidateCodes(input, text);
	const strong = strongCodes(layered);
	const rulesOf = (tier: Tier) => RULES.filter((rule) => rule.tier === tier);
	// A documented code that itself means "internal error, cause unknown" (BigQuery internalError,
	// an Airflow SIGTERM): it outranks broad phrasing such as "503" or "timed out", so the answer
	// is an honest unknown rather than a confident guess.
	let unknownCode: string | null = null;
	// 1. A code that names the innermost cause (a SQL error number, a Spark condition, an AADSTS
	//    code…): a rule written for it, else its catalogue row.
	for (const code of strong) {
		// Letter case can tell systems apart (BigQuery quotaExceeded, Azure QuotaExceeded): a row
		// with the exact spelling outranks a rule that only matches the code in another case.
		const exactRow = lookupExact(code);
		const rule = rulesOf('specific').find((r) =>
			exactRow ? r.codes.includes(code) : r.codes.some((c) => same(c, code))
		);
		if (rule)
			return fromMatch(
				{ rule, code: { code, from: 'message' }, excerpt: excerptOf(rule, text) },
				input,
				text
			);
		const entry = lookup(code);
		if (entry?.category === 'unknown' && !WEAK_CODES.has(code.toLowerCase())) unknownCode ??= code;
		if (entry && !WEAK_CODES.has(code.toLowerCase()) && entry.category !== 'unknown') {
			// A hand rule that agrees with the catalogue words it better (names, entity).
			const agreeing = sameCategoryRule(entry, [{ code, from: 'message' }, ...codes], text);
			return agreeing ? fromMatch(agreeing, input, text) : fromEntry(entry, code, input, text);
		}
	}
	// 2. Specific rules by code, then by their text on the innermost layer first.
	const specific = rulesOf('specific');
	const generic = rulesOf('generic');
	const byCode = matchByCode(specific, codes, text);
	if (byCode && !WEAK_CODES.has(byCode.code!.code.toLowerCase()))
		return fromMatch(byCode, input, text);
	let weakPhrase: { phrase: Phrase; excerpt: string } | null = null;
	for (const layer of layered) {
		const byText = matchByText(specific, layer);
		if (byText) return fromMatch(byText, input, text);
		const broad =
			matchByCode(generic, candidateCodes(input, layer), layer) ?? matchByText(generic, layer);
		if (broad && !byCode && !unknownCode) return fromMatch(broad, input, text);
		const phrase = matchPhrase(layer);
		if (phrase && !WEAK_PHRASES.has(phrase.phrase.id))
			return fromPhrase(phrase.phrase, phrase.excerpt, input, text);
		weakPhrase ??= phrase;
	}
	if (byCode) return fromMatch(byCode, input, text);
	if (unknownCode) return fallback(input, text, codes, [unknownCode, ...strong]);
	if (weakPhrase) return fromPhrase(weakPhrase.phrase, weakPhrase.excerpt, input, text);
	// 3. Broad patterns, then any catalogue code, then the SQLSTATE class, then wrappers.
	for (const tier of ['generic', 'wrapper'] as const) {
		const rules = rulesOf(tier);
		const match = matchByCode(rules, codes, text) ?? matchByText(rules, text);
		if (tier === 'wrapper') {
			const state = fromSqlState(text, input);
			if (state) return state;
		}
		if (match) return fromMatch(match, input, text);
		if (tier === 'generic') {
			const hit = catalogueHit(codes, strong);
			if (hit && hit.entry.category !== 'unknown')
				return fromEntry(hit.entry, hit.code, input, text);
		}
	}
	return fromCodeName(input, text, codes) ?? fallback(input, text, codes, strong);
}

/**
 * A code no row knows, named after its cause (ErrorCode=UserErrorSinkTableNotExist): the name
 * is the only evidence, so the answer is Medium and says so.
 */
function fromCodeName(
	input: TriageInput,
	text: string,
	codes: readonly CodeHit[]
): TriageResult | null {
	for (const { code, from } of codes) {
		if (from !== 'message' && from !== 'field') continue;
		if (lookup(code) || WEAK_CODES.has(code.toLowerCase())) continue;
		const category = categoryFromCodeName(code);
		if (!category) continue;
		return {
			rootCause: capitalise(
				`pipeline ${input.pipeline} failed with ${code}; its name points to ${category.replace('_', ' ')}.`
			),
			errorType: code,
			category,
			affectedEntity: tableName(text) ?? fallbackEntity(input),
			severity: 'Medium',
			priority: PRIORITY_BY_SEVERITY.Medium,
			confidence: 'Medium',
			recommendations: [...STEPS_BY_CATEGORY[category]],
			autoHealPossible: category === 'throttling' || category === 'timeout',
			evidence: [
				`error code ${code} (in the message), which no catalogue row describes`,
				`category read from the words of the code's name → ${category}`
			]
		};
	}
	return null;
}

/**
 * Codes that only say "something inside failed": they decide only when nothing more precise
 * (an inner code or phrase) does.
 */
const WEAK_PHRASES = new Set(['TimedOut', 'ConnectionFailed', 'NoWarehouse', 'PythonBug']);

function sameCategoryRule(
	entry: CatalogueEntry,
	codes: readonly CodeHit[],
	text: string
): Match | null {
	const agreeing = RULES.filter((rule) => rule.category === entry.category);
	const match = matchByCode(agreeing, codes, text) ?? matchByText(agreeing, text);
	return match && (match.rule.adjust?.(text)?.category ?? match.rule.category) === entry.category
		? match
		: null;
}

const WEAK_CODES = new Set(
	[
		'250001',
		'SqlFailedToConnect',
		'SqlOperationFailed',
		'2200',
		'UserErrorOdbcOperationFailed',
		'UserErrorFailedToConnectOdbcSource',
		'AzureBlobOperationFailed',
		'ADLSGen2OperationFailed',
		'3204',
		'RUN_EXECUTION_ERROR',
		'UserErrorUnclassifiedError',
		'50000',
		'CosmosDbSqlApiOperationFailed',
		'UserErrorFailToReadFromRestResource',
		'UserErrorHttpStatusCodeIndicatingFailure',
		'RestSinkCallFailed',
		'PolybaseOperationFailed',
		'SqlBatchWriteTransactionFailed',
		'UserErrorFailedToReadHttpFile'
	].map((code) => code.toLowerCase())
);

const STRONG_PATTERNS: readonly RegExp[] = [
	/\[([A-Z][A-Z0-9_]*(?:\.[A-Z0-9_]+)*)\]/g,
	/\b(AADSTS\d{5,})/g,
	/\b(ORA-\d{5})/g,
	/\b(DF-[A-Za-z0-9]+-[A-Za-z0-9]+)\b/g,
	/(?:SqlErrorNumber|Number)=(-?\d+)/g,
	/\((-?\d{2,6})\) \(SQL\w+\)/g,
	/\bError:? (-?\d{1,6})\)/g,
	/\b(\d{6}) \([0-9A-Z]{5}\):/g,
	// Snowflake connector errors without a SQLSTATE print `errno: msg` (its errors.py).
	/\b(25\d{4}): /g,
	/\breason: (\w+)/g,
	/\bReason: ([A-Z][A-Z0-9_]+)/g,
	/\bterminated with ([A-Z][A-Z0-9_]+)/g,
	/\b(?:dbt(?:_common)?|great_expectations|airflow)\.[\w.]*?\.?(\w+(?:Error|Exception|Timeout|Found|Exists))\b/g,
	/\b([A-Z][A-Z0-9]+(?:_[A-Z0-9]+)+)\b/g,
	/\b([A-Z][a-z]+(?:[A-Z][a-z]+){2,})\b/g,
	// The BigQuery Go client: "googleapi: Error 400: <message>, <reason>".
	/googleapi: Error \d{3}: [^\n]*, ([a-z]\w+)[ \t]*(?:\n|$)/g,
	// JSON and Python-dict error bodies: "reason": "backendError", 'error_code': 'QUOTA_EXCEEDED'.
	/['"](?:reason|error_code|code)['"]\s*:\s*['"]([A-Za-z][\w.-]+)['"]/g,
	/[Ee]rror[ _]?[Cc]ode['"]?\s*[=:]\s*['"]?([\w.-]+)/g,
	/"StatusCode":"([\w-]+)"/g
];

/** Codes with a catalogue row or a specific rule, innermost layer first, last occurrence first. */
function strongCodes(layered: readonly string[]): string[] {
	const found: string[] = [];
	for (const layer of layered) {
		const hits: { code: string; at: number }[] = [];
		for (const pattern of STRONG_PATTERNS)
			for (const m of layer.matchAll(pattern)) {
				const code = m[1]!;
				hits.push({ code, at: m.index });
				if (code.includes('.') && /^[A-Z_.]+$/.test(code))
					hits.push({ code: code.split('.')[0]!, at: m.index });
			}
		// Two-word names (SecretDisabled, ServerBusy) are codes only when a row has that exact spelling.
		for (const m of layer.matchAll(/\b([A-Z][a-z]+[A-Z][a-z]+)\b/g))
			if (lookupExact(m[1]!)) hits.push({ code: m[1]!, at: m.index });
		hits.sort((a, b) => b.at - a.at);
		// A sub-class (FAILED_READ_FILE.CANNOT_READ_FILE_FOOTER) is more precise than its class,
		// which the broader patterns also find one character later.
		for (const hit of [...hits])
			if (hit.code.includes('.')) {
				const parent = hits.findIndex((h) => h.code === hit.code.split('.')[0]);
				const self = hits.indexOf(hit);
				if (parent >= 0 && parent < self) {
					hits.splice(self, 1);
					hits.splice(parent, 0, hit);
				}
			}
		for (const { code } of hits)
			if (
				!found.some((f) => same(f, code)) &&
				(lookup(code) ||
					RULES.some((r) => r.tier === 'specific' && r.codes.some((c) => same(c, code))))
			)
				found.push(code);
		// Codes in an inner layer outrank the wrapper's, so the first layer with codes sets the order.
	}
	return found
		.filter((code) => !WEAK_CODES.has(code.toLowerCase()))
		.concat(found.filter((code) => WEAK_CODES.has(code.toLowerCase())));
}

function catalogueHit(
	codes: readonly CodeHit[],
	strong: readonly string[]
): { entry: CatalogueEntry; code: string } | null {
	for (const code of [...strong, ...codes.map((hit) => hit.code)]) {
		const entry = lookup(code);
		if (entry) return { entry, code };
	}
	return null;
}

function matchPhrase(text: string): { phrase: Phrase; excerpt: string } | null {
	for (const phrase of PHRASES) {
		const found = phrase.pattern.exec(text)?.[0];
		if (found) return { phrase, excerpt: found.length > 120 ? `${found.slice(0, 117)}...` : found };
	}
	return null;
}

const NOUN: Record<string, string> = {
	table: 'table',
	column: 'column',
	path: 'path',
	cluster: 'cluster',
	secret: 'secret',
	database: 'database',
	service: 'service',
	library: 'library',
	model: 'dbt model',
	task: 'task',
	user: 'account'
};

function entityOf(kind: CatalogueEntry['entity'], text: string): string | null {
	switch (kind) {
		case 'table':
			return tableName(text) ?? /`([\w.`]+)`/.exec(text)?.[1]?.replace(/`/g, '') ?? null;
		case 'column':
			return columnName(text) ?? /column (?:name )?'([^']+)'/i.exec(text)?.[1] ?? null;
		case 'path':
			return adlsPath(text) ?? blobPath(text) ?? storageUrl(text);
		case 'cluster':
			return clusterId(text);
		case 'secret':
			return keyVaultName(text);
		case 'user':
			return /user '([^']+)'/i.exec(text)?.[1] ?? null;
		default:
			return null;
	}
}

function fromEntry(
	entry: CatalogueEntry,
	code: string,
	input: TriageInput,
	text: string
): TriageResult {
	const entity = entityOf(entry.entity, text);
	const subject = entity
		? `${entry.entity ? NOUN[entry.entity] : ''} ${entity}`.trim()
		: `pipeline ${input.pipeline}`;
	return {
		rootCause: capitalise(`${entry.title} (${code}), affecting ${subject}.`),
		errorType: entry.code,
		category: entry.category,
		affectedEntity: entity ?? fallbackEntity(input),
		severity: entry.severity,
		priority: PRIORITY_BY_SEVERITY[entry.severity],
		// A wrapper code (SqlOperationFailed, 250001) only says where it failed: never High alone.
		confidence: entry.ambiguous || WEAK_CODES.has(code.toLowerCase()) ? 'Medium' : 'High',
		recommendations: [...(entry.steps ?? STEPS_BY_CATEGORY[entry.category])],
		autoHealPossible: entry.category === 'throttling' || entry.category === 'timeout',
		evidence: [
			`error code ${code} (in the message)`,
			`catalogue: ${entry.system} ${entry.code} → ${entry.category}, severity ${entry.severity} (${entry.title})`,
			...(entry.ambiguous ? [`not certain: ${entry.ambiguous}`] : []),
			...(WEAK_CODES.has(code.toLowerCase())
				? [
						'not certain: this code wraps the real error; the inner message, when present, is more precise'
					]
				: []),
			`known pattern: ${entry.source}`
		]
	};
}

function fromPhrase(
	phrase: Phrase,
	excerpt: string,
	input: TriageInput,
	text: string
): TriageResult {
	// A hand rule of the same category that also matches words it better (names, entity).
	const agreeing =
		matchByText(
			RULES.filter((rule) => rule.category === phrase.category && rule.tier !== 'wrapper'),
			text
		) ??
		matchByText(
			RULES.filter((rule) => rule.category === phrase.category),
			text
		);
	if (agreeing && (agreeing.rule.adjust?.(text)?.category ?? phrase.category) === phrase.category)
		return { ...fromMatch(agreeing, input, text), confidence: 'Medium' };
	return {
		rootCause: capitalise(
			`pipeline ${input.pipeline} failed: ${phrase.id.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()} ("${excerpt}").`
		),
		errorType: phrase.id,
		category: phrase.category,
		affectedEntity: tableName(text) ?? fallbackEntity(input),
		severity: phrase.severity,
		priority: PRIORITY_BY_SEVERITY[phrase.severity],
		confidence: 'Medium',
		recommendations: [...STEPS_BY_CATEGORY[phrase.category]],
		autoHealPossible: phrase.autoHeal,
		evidence: [
			`matched "${excerpt}"`,
			`phrase rule ${phrase.id} → ${phrase.category}, severity ${phrase.severity}`,
			`known pattern: ${phrase.source}`
		]
	};
}

function fromSqlState(text: string, input: TriageInput): TriageResult | null {
	const state = /SQLSTATE[:=\s]+([0-9A-Z]{5})\b/i.exec(text)?.[1];
	const known = state ? sqlStateClass(state) : null;
	if (!state || !known || known.category === 'unknown') return null;
	return {
		rootCause: capitalise(
			`pipeline ${input.pipeline} failed with SQLSTATE ${state} (${known.meaning}).`
		),
		errorType: `SQLSTATE ${state}`,
		category: known.category,
		affectedEntity: tableName(text) ?? fallbackEntity(input),
		severity: known.severity,
		priority: PRIORITY_BY_SEVERITY[known.severity],
		confidence: 'Medium',
		recommendations: [...STEPS_BY_CATEGORY[known.category]],
		autoHealPossible: false,
		evidence: [
			`SQLSTATE ${state}: class ${state.slice(0, 2)} (${known.meaning}) → ${known.category}`,
			`known pattern: ${SQLSTATE_SOURCE}`
		]
	};
}

function candidateCodes(input: TriageInput, text: string): CodeHit[] {
	const hits: CodeHit[] = [];
	const add = (code: string | null | undefined, from: CodeHit['from']) => {
		const trimmed = code?.trim();
		// "error code: null" (the ABFS driver with no service answer) names no code.
		if (
			trimmed &&
			!/^(?:null|none|undefined)$/i.test(trimmed) &&
			!hits.some((hit) => same(hit.code, trimmed))
		)
			hits.push({ code: trimmed, from });
	};
	add(input.errorCode, 'field');
	for (const [, adfCode, errorClass, dataFlowCode, token] of text.matchAll(CODE_IN_TEXT)) {
		add(adfCode ?? errorClass ?? dataFlowCode, 'message');
		// `UNRESOLVED_COLUMN.WITH_SUGGESTION` is a sub-class of `UNRESOLVED_COLUMN`.
		if (errorClass?.includes('.')) add(errorClass.split('.')[0], 'message');
		add(token, 'token');
	}
	add(input.failureType, 'failure type');
	return hits;
}

function same(a: string, b: string): boolean {
	return a.toLowerCase() === b.toLowerCase();
}

function matchByCode(
	rules: readonly Rule[],
	codes: readonly CodeHit[],
	text: string
): Match | null {
	for (const hit of codes) {
		const rule = rules.find((candidate) => candidate.codes.some((code) => same(code, hit.code)));
		if (rule) return { rule, code: hit, excerpt: excerptOf(rule, text) };
	}
	return null;
}

function matchByText(rules: readonly Rule[], text: string): Match | null {
	for (const rule of rules) {
		const excerpt = excerptOf(rule, text);
		if (excerpt) return { rule, code: null, excerpt };
	}
	return null;
}

function excerptOf(rule: Rule, text: string): string | null {
	for (const pattern of rule.patterns) {
		const found = pattern.exec(text)?.[0];
		if (found) return found.length > 120 ? `${found.slice(0, 117)}...` : found;
	}
	return null;
}

function confidenceOf(match: Match, category: Category): Confidence {
	// A rule that concludes "unknown" says so with low confidence, whatever matched.
	if (category === 'unknown') return 'Low';
	// Several documented causes the message does not tell apart: never more than Medium.
	if (match.rule.ambiguous) return match.rule.tier === 'wrapper' && !match.code ? 'Low' : 'Medium';
	// A wrapper only says which activity failed, not why: one step less sure than its kind.
	if (match.code) return match.rule.tier === 'wrapper' ? 'Medium' : 'High';
	return match.rule.tier === 'wrapper' ? 'Low' : 'Medium';
}

function fromMatch(match: Match, input: TriageInput, text: string): TriageResult {
	const { rule } = match;
	const adjusted = rule.adjust?.(text) ?? {};
	const severity = adjusted.severity ?? rule.severity;
	const category = adjusted.category ?? rule.category;
	const entity = rule.entity?.(text) ?? null;
	return {
		rootCause: capitalise(rule.rootCause(subjectOf(rule, entity, input.pipeline))),
		errorType: rule.name?.(text) ?? rule.errorType,
		category,
		affectedEntity: entity ?? fallbackEntity(input),
		severity,
		priority: PRIORITY_BY_SEVERITY[severity],
		confidence: confidenceOf(match, category),
		recommendations: [...rule.recommendations],
		autoHealPossible: adjusted.autoHealPossible ?? rule.autoHealPossible,
		evidence: evidenceOf(match, input)
	};
}

function subjectOf(rule: Rule, entity: string | null, pipeline: string): string {
	if (entity) return rule.noun ? `the ${rule.noun} ${entity}` : entity;
	if (rule.noun) return `the ${rule.noun} used by pipeline ${pipeline}`;
	return `pipeline ${pipeline}`;
}

function fallbackEntity(input: TriageInput): string | null {
	return input.pipeline || input.resource || null;
}

function evidenceOf(match: Match, input: TriageInput): string[] {
	const evidence: string[] = [];
	const { code } = match;
	if (code?.from === 'failure type') evidence.push(`failure type ${code.code}`);
	else if (code)
		evidence.push(`error code ${code.code}${code.from === 'field' ? '' : ' (in the message)'}`);
	const reported = input.errorCode?.trim();
	if (reported && code?.from !== 'field') evidence.push(`reported error code ${reported}`);
	if (match.excerpt) evidence.push(`matched "${match.excerpt}"`);
	if (match.rule.ambiguous) evidence.push(`not certain: ${match.rule.ambiguous}`);
	evidence.push(`known pattern: ${match.rule.docs}`);
	return evidence;
}

function fallback(
	input: TriageInput,
	text: string,
	codes: readonly CodeHit[],
	strong: readonly string[] = []
): TriageResult {
	const code =
		strong[0] ?? codes.find((hit) => hit.from === 'field' || hit.from === 'message')?.code ?? null;
	const entry = code ? lookup(code) : null;
	// The root cause goes to Slack (and to Jira, once that sync is built), unlike the raw error.
	const firstLine = redact(text.trim().split('\n')[0] ?? '').text.slice(0, 200);
	return {
		rootCause: firstLine
			? `No known failure pattern matched. The error reads: "${firstLine}"`
			: `Pipeline ${input.pipeline} failed without an error message.`,
		errorType: code ?? 'UnknownFailure',
		category: 'unknown',
		affectedEntity: fallbackEntity(input),
		severity: 'Medium',
		priority: PRIORITY_BY_SEVERITY.Medium,
		confidence: 'Low',
		recommendations: [
			...(entry?.category === 'unknown' && entry.steps ? entry.steps : STEPS_BY_CATEGORY.unknown)
		],
		autoHealPossible: false,
		evidence: [
			code ? `error code ${code}` : 'no error code',
			entry
				? `catalogue: ${entry.system} ${entry.code} only says "${entry.title}" (${entry.source})`
				: 'no known pattern matched'
		]
	};
}

function capitalise(sentence: string): string {
	return sentence.charAt(0).toUpperCase() + sentence.slice(1);
}
