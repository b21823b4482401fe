/** mulberry32: small and seedable, so a test that picks at random replays the same picks. */
export function rng(seed: number) {
	let a = seed >>> 0;
	const next = () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
	return {
		next,
		int: (n: number) => Math.floor(next() * n),
		chance: (p: number) => next() < p,
		pick<T>(items: readonly T[]): T {
			return items[Math.floor(next() * items.length)]!;
		}
	};
}
export type Rng = ReturnType<typeof rng>;
