import { RE2JS } from 're2js';
import { describe, expect, it } from 'vitest';
import { compileRegex, MAX_PATTERN_LENGTH, regexProblem } from './regex.ts';

describe('regexProblem', () => {
	it("reports RE2's own message for a pattern that does not compile, with the pattern as typed", () => {
		expect(regexProblem('pl_(sales')).toMatch(
			/^Invalid regular expression: missing closing \): `pl_\(sales`; routing regexes use RE2 syntax/
		);
		expect(regexProblem('[z-a]')).toMatch(/invalid character class range: `z-a`/);
	});

	it.each(['^pl_(?=sales)', '(?!tmp_)pl_', '(?<=adf-)crm', '(?<!dev-)crm', '(pl)_\\1'])(
		'refuses %s, which RE2 cannot run in linear time, and says why',
		(pattern) => expect(regexProblem(pattern)).toMatch(/RE2 syntax, which matches in linear time/)
	);

	it('refuses patterns longer than the cap', () => {
		expect(regexProblem('a'.repeat(MAX_PATTERN_LENGTH))).toBeNull();
		expect(regexProblem('a'.repeat(MAX_PATTERN_LENGTH + 1))).toMatch(/at most 500/);
	});

	it('accepts ordinary routing patterns', () => {
		for (const p of [
			'^pl_(sales|finance)_.*',
			'adf-crm-(prod|prd)-\\w+',
			'(?:dbx|databricks)-\\d{2,4}',
			'(?P<env>prod|dev)-crm'
		])
			expect(regexProblem(p), p).toBeNull();
	});
});

describe('compileRegex', () => {
	it('matches case-insensitively anywhere in the value, like the keyword match', () => {
		const compiled = compileRegex('^pl_(sales|fin)_');
		if (!compiled.ok) throw new Error(compiled.problem);
		expect(compiled.regex.test('PL_Sales_daily')).toBe(true);
		expect(compiled.regex.test('x_pl_sales_daily')).toBe(false);
	});

	// Under a backtracking engine these take exponential time on "aaaa…!"; RE2 has no
	// backtracking, so a pattern it accepts cannot hang ingest. Timing is measured in
	// bench/regex.ts, not asserted here.
	it.each(['(a+)+$', '^(\\w+\\s?)+$', '(a|a)+$', '(a|aa)+$', '(x{1,}y?)+z', '(?:[a-z]+-)*end$'])(
		'answers the catastrophic %s with RE2 (compiled by re2js, never a RegExp) or refuses it',
		(pattern) => {
			const compiled = compileRegex(pattern);
			if (!compiled.ok) return expect(compiled.problem).toMatch(/RE2/);
			expect(compiled.regex).toBeInstanceOf(RE2JS);
			expect(compiled.regex.test(`${'a'.repeat(50_000)}!`)).toBe(false);
		}
	);
});
