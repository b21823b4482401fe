import { describe, expect, it } from 'vitest';
import { hasNestedRepetition, MAX_PATTERN_LENGTH, regexProblem } from './regex.ts';

describe('regexProblem', () => {
	it("reports the engine's own message for a pattern that does not compile", () => {
		expect(regexProblem('pl_(sales')).toMatch(/Invalid regular expression.*Unterminated group/);
		expect(regexProblem('[z-a]')).toMatch(/Range out of order/);
	});

	it('refuses patterns longer than the cap', () => {
		expect(regexProblem('a'.repeat(MAX_PATTERN_LENGTH))).toBeNull();
		expect(regexProblem('a'.repeat(MAX_PATTERN_LENGTH + 1))).toMatch(/at most 500/);
	});

	it('refuses nested repetition, naming ReDoS', () => {
		expect(regexProblem('^(a+)+$')).toMatch(/ReDoS/);
	});

	it('accepts ordinary routing patterns', () => {
		for (const p of [
			'^pl_(sales|finance)_.*',
			'adf-crm-(prod|prd)-\\w+',
			'(?:dbx|databricks)-\\d{2,4}'
		])
			expect(regexProblem(p), p).toBeNull();
	});
});

describe('hasNestedRepetition', () => {
	it.each(['(a+)+', '(\\w*\\s?)*$', '(x{1,}y)+', '((ab)*c)+', '(a+){2,}', '(?:[a-z]+-)*end'])(
		'flags %s',
		(pattern) => expect(hasNestedRepetition(pattern)).toBe(true)
	);

	it.each(['(ab)+', 'a+b*', '(a+){2}', '(a+)?', '\\(a+\\)+', '[(a+)]+', '(a|b)c+', 'x{2}(y){3}'])(
		'lets %s through',
		(pattern) => expect(hasNestedRepetition(pattern)).toBe(false)
	);
});
