export type BoardCommand =
	| 'next'
	| 'previous'
	| 'open'
	| 'acknowledge'
	| 'toggle-check'
	| 'toggle-check-range'
	| 'search'
	| 'toggle-help'
	| 'close-help'
	| 'leave-field'
	| 'deselect';

export interface KeyContext {
	key: string;
	/** Ctrl, Alt or Meta held: those belong to the browser and the OS. */
	modified: boolean;
	/** Focus is in a text field or select: letters are text there. */
	typing: boolean;
	/** Focus is on a link or button, whose Enter must keep doing what it does. */
	onControl: boolean;
	/** Focus is on something other than the page itself. */
	focused: boolean;
	helpOpen: boolean;
	selected: { status: string } | null;
	mayAct: boolean;
}

/**
 * The board's keyboard map: j / k (or the arrows, once a ticket has focus) move,
 * x checks the focused ticket for a bulk action (Shift+x: the range from the
 * last one checked), Enter opens, a acknowledges, / searches, ? helps, Esc backs out.
 */
export function boardCommand(c: KeyContext): BoardCommand | null {
	if (c.modified) return null;
	if (c.key === 'Escape') {
		if (c.helpOpen) return 'close-help';
		return c.typing || c.focused ? 'leave-field' : 'deselect';
	}
	if (c.typing) return null;
	switch (c.key) {
		case 'j':
			return 'next';
		case 'k':
			return 'previous';
		// Without a focused ticket the arrows keep scrolling the page.
		case 'ArrowDown':
			return c.selected && !c.onControl ? 'next' : null;
		case 'ArrowUp':
			return c.selected && !c.onControl ? 'previous' : null;
		case 'x':
			return c.selected && c.mayAct ? 'toggle-check' : null;
		case 'X':
			return c.selected && c.mayAct ? 'toggle-check-range' : null;
		case 'Enter':
			return c.selected && !c.onControl ? 'open' : null;
		case 'a':
			return c.selected && c.mayAct && c.selected.status === 'open' ? 'acknowledge' : null;
		case '/':
			return 'search';
		case '?':
			return 'toggle-help';
		default:
			return null;
	}
}
