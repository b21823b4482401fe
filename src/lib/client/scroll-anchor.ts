/**
 * Keeps the cards the reader is looking at still while the list above them
 * changes (a card arrives or leaves): remember where the first cards on
 * screen are before the update, scroll by however far they moved after it.
 */
export interface Anchor {
	els: HTMLElement[];
	tops: number[];
}

const HEADER_PX = 64;

/** `topPx`: where the page's sticky header ends; cards under it are not on screen. */
export function captureAnchor(
	list: HTMLElement | null,
	selector: string,
	topPx = HEADER_PX
): Anchor | null {
	if (!list) return null;
	const els: HTMLElement[] = [];
	for (const el of list.querySelectorAll<HTMLElement>(selector)) {
		const rect = el.getBoundingClientRect();
		if (rect.bottom <= topPx) continue;
		if (rect.top > window.innerHeight) break;
		els.push(el);
		if (els.length === 3) break;
	}
	return els.length ? { els, tops: els.map((el) => el.getBoundingClientRect().top) } : null;
}

/** Returns how far the page scrolled to compensate (positive: content was inserted above). */
export function restoreAnchor(anchor: Anchor | null): number {
	if (!anchor) return 0;
	const i = anchor.els.findIndex((el) => el.isConnected);
	const el = anchor.els[i];
	const top = anchor.tops[i];
	if (!el || top === undefined) return 0;
	const delta = el.getBoundingClientRect().top - top;
	if (Math.abs(delta) < 1) return 0;
	window.scrollBy({ top: delta, behavior: 'instant' });
	return delta;
}
