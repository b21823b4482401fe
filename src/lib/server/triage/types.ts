export const CATEGORIES = [
	'source_missing',
	'connectivity',
	'authentication',
	'permission',
	'resource_exhausted',
	'timeout',
	'throttling',
	'schema_mismatch',
	'data_quality',
	'configuration',
	'cluster_launch',
	'dependency',
	'code_error',
	'upstream',
	'unknown'
] as const;
export type Category = (typeof CATEGORIES)[number];

export const SEVERITIES = ['Critical', 'High', 'Medium', 'Low'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const CONFIDENCES = ['Very High', 'High', 'Medium', 'Low'] as const;
export type Confidence = (typeof CONFIDENCES)[number];

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
	source: 'adf' | 'databricks' | 'generic';
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
