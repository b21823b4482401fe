import { errorMessage } from './actions.ts';

export type BoardLayout = 'cards' | 'table';

/** Where this browser kept the layout before it was kept with the account (and still keeps a copy). */
const LAYOUT_KEY = 'vigil.board.layout';

/** The layout this browser last used, if any (private mode: none). */
export function browserLayout(): BoardLayout | null {
	try {
		const saved = localStorage.getItem(LAYOUT_KEY);
		return saved === 'table' || saved === 'cards' ? saved : null;
	} catch {
		return null;
	}
}

/**
 * Keeps the layout with the account (PUT /api/preferences), so the person's other
 * browsers open in it too, and on this browser. Answers a message when the account
 * could not keep it: the choice then lasts on this browser only.
 */
export async function saveBoardLayout(layout: BoardLayout): Promise<string | null> {
	try {
		localStorage.setItem(LAYOUT_KEY, layout);
	} catch {
		// Storage refused (private mode): the account still keeps it.
	}
	try {
		const res = await fetch('/api/preferences', {
			method: 'PUT',
			headers: { 'content-type': 'application/json', accept: 'application/json' },
			body: JSON.stringify({ board_layout: layout })
		});
		if (res.ok) return null;
		const why = errorMessage(await res.json().catch(() => null)) ?? `HTTP ${res.status}`;
		return `The layout is kept on this browser only: ${why}`;
	} catch {
		return 'The layout is kept on this browser only: the server could not be reached';
	}
}
