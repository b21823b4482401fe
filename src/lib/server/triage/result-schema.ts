import { z } from 'zod';
import { CATEGORIES, CONFIDENCES, PRIORITIES, SEVERITIES, type TriageResult } from './types.ts';

const MAX_ROOT_CAUSE = 2000;
const MAX_RECOMMENDATION = 500;
const MAX_RECOMMENDATIONS = 6;
const MAX_EVIDENCE = 10;
const MAX_EVIDENCE_ITEM = 500;
const MAX_SHORT_FIELD = 300;

/**
 * Sent as `generationConfig.responseJsonSchema`. Only keywords Gemini documents for JSON-schema
 * structured output are used (no maxLength: length caps are applied by `parseRcaAnswer`).
 */
export const RCA_RESPONSE_SCHEMA = {
	type: 'object',
	properties: {
		root_cause: {
			type: 'string',
			description: 'The most likely root cause, in two to four sentences, for an on-call engineer.'
		},
		error_type: {
			type: 'string',
			description: 'The specific error code or exception name, e.g. UserErrorSourceBlobNotExists.'
		},
		category: { type: 'string', enum: [...CATEGORIES] },
		affected_entity: {
			type: ['string', 'null'],
			description: 'The table, file, linked service, cluster or job that failed; null if unknown.'
		},
		severity: { type: 'string', enum: [...SEVERITIES] },
		priority: { type: 'string', enum: [...PRIORITIES] },
		confidence: { type: 'string', enum: [...CONFIDENCES] },
		recommendations: {
			type: 'array',
			items: { type: 'string' },
			minItems: 1,
			maxItems: MAX_RECOMMENDATIONS,
			description: 'Concrete next steps, most useful first.'
		},
		auto_heal_possible: {
			type: 'boolean',
			description: 'True only if simply re-running the pipeline is likely to succeed.'
		},
		evidence: {
			type: 'array',
			items: { type: 'string' },
			maxItems: MAX_EVIDENCE,
			description: 'Facts from the alert that support the root cause (codes, log lines).'
		}
	},
	required: [
		'root_cause',
		'error_type',
		'category',
		'affected_entity',
		'severity',
		'priority',
		'confidence',
		'recommendations',
		'auto_heal_possible',
		'evidence'
	],
	additionalProperties: false
} as const;

const capped = (max: number) =>
	z
		.string()
		.trim()
		.transform((s) => s.slice(0, max));

const requiredText = (max: number) =>
	z
		.string()
		.trim()
		.min(1)
		.transform((s) => s.slice(0, max));

// Over-long text and lists are cut rather than rejected: a usable answer beats a retry.
const rcaAnswerSchema = z
	.object({
		root_cause: requiredText(MAX_ROOT_CAUSE),
		error_type: requiredText(MAX_SHORT_FIELD),
		category: z.enum(CATEGORIES),
		affected_entity: capped(MAX_SHORT_FIELD).nullable(),
		severity: z.enum(SEVERITIES),
		priority: z.enum(PRIORITIES),
		confidence: z.enum(CONFIDENCES),
		recommendations: z
			.array(capped(MAX_RECOMMENDATION))
			.transform((items) => items.filter((s) => s !== '').slice(0, MAX_RECOMMENDATIONS))
			.pipe(z.array(z.string()).min(1)),
		auto_heal_possible: z.boolean(),
		evidence: z
			.array(capped(MAX_EVIDENCE_ITEM))
			.transform((items) => items.filter((s) => s !== '').slice(0, MAX_EVIDENCE))
	})
	.transform((a): TriageResult => ({
		rootCause: a.root_cause,
		errorType: a.error_type,
		category: a.category,
		affectedEntity: a.affected_entity === '' ? null : a.affected_entity,
		severity: a.severity,
		priority: a.priority,
		confidence: a.confidence,
		recommendations: a.recommendations,
		autoHealPossible: a.auto_heal_possible,
		evidence: a.evidence
	}));

export type ParsedAnswer = { ok: true; result: TriageResult } | { ok: false; detail: string };

/** Parses the model's JSON text; never throws. */
export function parseRcaAnswer(text: string): ParsedAnswer {
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch {
		return { ok: false, detail: `answer is not JSON: ${text.slice(0, 120)}` };
	}
	const parsed = rcaAnswerSchema.safeParse(json);
	if (!parsed.success) {
		const issues = parsed.error.issues
			.slice(0, 5)
			.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
		return { ok: false, detail: `answer does not match the schema: ${issues.join('; ')}` };
	}
	return { ok: true, result: parsed.data };
}
