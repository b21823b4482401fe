import type { Category, Confidence, Priority, Severity, Source } from '#lib/contracts/tickets.ts';

// The word lists live in the contract (src/lib/contracts); triage code imports them from here too.
export { CATEGORIES, CONFIDENCES, PRIORITIES, SEVERITIES } from '#lib/contracts/words.ts';
export type { Category, Confidence, Priority, Severity };

/** What the classifier and the AI both produce. */
export interface TriageResult {
	rootCause: string;
	/** The specific code or name, e.g. `UserErrorSourceBlobNotExists`, `DriverOutOfMemory`. */
	errorType: string;
	category: Category;
	affectedEntity: string | null;
	severity: Severity;
	priority: Priority;
	confidence: Confidence;
	recommendations: string[];
	autoHealPossible: boolean;
	/** The facts the result rests on (matched pattern, error code, log line), shown in the UI. */
	evidence: string[];
}

/** What triage sees of a failure. */
export interface TriageInput {
	source: Source;
	pipeline: string;
	resource: string | null;
	errorMessage: string;
	errorCode: string | null;
	failureType: string | null;
}

/** A past ticket given to the AI as context. */
export interface SimilarIncident {
	ticketId: string;
	pipeline: string;
	errorType: string;
	category: Category;
	rootCause: string;
	resolution: string | null;
}
