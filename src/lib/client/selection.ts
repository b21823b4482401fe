/**
 * Which tickets are checked for a bulk action. Pure, so the board's
 * click, shift-click and keyboard paths share one rule.
 */

/** Checks or unchecks one ticket. */
export function toggleOne(checked: ReadonlySet<string>, id: string): Set<string> {
	const next = new Set(checked);
	if (next.has(id)) next.delete(id);
	else next.add(id);
	return next;
}

/**
 * Shift-click: every ticket from the anchor (the last one clicked) to this one,
 * in the order on screen, takes the state this one is switched to. Without an
 * anchor still on screen it is a plain toggle.
 */
export function toggleRange(
	checked: ReadonlySet<string>,
	order: readonly string[],
	anchor: string | null,
	id: string
): Set<string> {
	const from = anchor === null ? -1 : order.indexOf(anchor);
	const to = order.indexOf(id);
	if (from < 0 || to < 0) return toggleOne(checked, id);
	const on = !checked.has(id);
	const next = new Set(checked);
	for (const x of order.slice(Math.min(from, to), Math.max(from, to) + 1)) {
		if (on) next.add(x);
		else next.delete(x);
	}
	return next;
}

/** Keeps only what is still on screen (a ticket acknowledged elsewhere leaves the tab). */
export function prune(checked: ReadonlySet<string>, order: readonly string[]): Set<string> {
	const present = new Set(order);
	return new Set([...checked].filter((id) => present.has(id)));
}
