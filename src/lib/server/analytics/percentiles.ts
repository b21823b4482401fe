/**
 * PostgreSQL's `round(percentile_cont(p) within group (order by x))::int` and `round(avg(x))`
 * over integers kept as several sorted runs (one per hour or day of incidents), computed
 * without merging the runs: the answer is bit for bit the one a query over every row gives.
 */

/** How many values of a sorted run are ≤ v. */
function countAtMost(run: ArrayLike<number>, v: number): number {
	let lo = 0;
	let hi = run.length;
	while (lo < hi) {
		const mid = (lo + hi) >>> 1;
		if (run[mid]! <= v) lo = mid + 1;
		else hi = mid;
	}
	return lo;
}

/**
 * The k-th smallest (0-based) of the integers in sorted runs: the least v with more than k
 * values ≤ v, found by halving the value range (about 30 steps, each a binary search per run).
 */
export function kthSmallest(runs: readonly ArrayLike<number>[], k: number): number {
	let lo = Infinity;
	let hi = -Infinity;
	for (const run of runs) {
		if (run.length === 0) continue;
		lo = Math.min(lo, run[0]!);
		hi = Math.max(hi, run[run.length - 1]!);
	}
	if (lo > hi) throw new RangeError('kthSmallest of no values');
	while (lo < hi) {
		const mid = Math.floor((lo + hi) / 2);
		let n = 0;
		for (const run of runs) n += countAtMost(run, mid);
		if (n > k) hi = mid;
		else lo = mid + 1;
	}
	return lo;
}

/** rint(): a tie goes to the even neighbour, as PostgreSQL's round() of a double and ::int do. */
export function roundHalfEven(x: number): number {
	const r = Math.round(x);
	return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** `round(percentile_cont(p) within group (order by x))::int`; null without values. */
export function percentileCont(runs: readonly ArrayLike<number>[], p: number): number | null {
	let n = 0;
	for (const run of runs) n += run.length;
	if (n === 0) return null;
	// PostgreSQL's percentile_cont_final_common and float8_lerp, step by step in doubles.
	const position = p * (n - 1);
	const first = Math.floor(position);
	const second = Math.ceil(position);
	const lo = kthSmallest(runs, first);
	if (second === first) return roundHalfEven(lo);
	const hi = kthSmallest(runs, second);
	return roundHalfEven(lo + (position - first) * (hi - lo));
}

/**
 * `round(avg(x))::int` over integers: avg is an exact numeric there, and round() of a numeric
 * takes a tie away from zero. `count` > 0.
 */
export function roundedMean(sum: number, count: number): number {
	const negative = sum < 0;
	const a = Math.abs(sum);
	const q = Math.floor(a / count);
	const r = a - q * count;
	const rounded = 2 * r >= count ? q + 1 : q;
	return negative ? -rounded : rounded;
}
