import { describe, expect, it } from 'vitest';
import { boardCommand, type KeyContext } from './keys.ts';

const base: KeyContext = {
	key: 'j',
	modified: false,
	typing: false,
	onControl: false,
	focused: false,
	helpOpen: false,
	selected: { status: 'open' },
	mayAct: true
};
const cmd = (over: Partial<KeyContext>) => boardCommand({ ...base, ...over });

describe('boardCommand', () => {
	it('moves with j and k, searches with / and toggles help with ?', () => {
		expect(cmd({ key: 'j' })).toBe('next');
		expect(cmd({ key: 'k' })).toBe('previous');
		expect(cmd({ key: '/' })).toBe('search');
		expect(cmd({ key: '?' })).toBe('toggle-help');
	});

	it('leaves letters alone while typing in the search or with a modifier held', () => {
		expect(cmd({ key: 'j', typing: true })).toBeNull();
		expect(cmd({ key: 'a', typing: true })).toBeNull();
		expect(cmd({ key: 'k', modified: true })).toBeNull();
	});

	it('acknowledges only an open selected ticket, and only for responders', () => {
		expect(cmd({ key: 'a' })).toBe('acknowledge');
		expect(cmd({ key: 'a', mayAct: false })).toBeNull();
		expect(cmd({ key: 'a', selected: { status: 'in_progress' } })).toBeNull();
		expect(cmd({ key: 'a', selected: null })).toBeNull();
	});

	it('opens the selection with Enter unless a link or button has focus', () => {
		expect(cmd({ key: 'Enter' })).toBe('open');
		expect(cmd({ key: 'Enter', onControl: true })).toBeNull();
		expect(cmd({ key: 'Enter', selected: null })).toBeNull();
	});

	it('backs out with Esc: help first, then the field, then the selection', () => {
		expect(cmd({ key: 'Escape', helpOpen: true, typing: true })).toBe('close-help');
		expect(cmd({ key: 'Escape', typing: true })).toBe('leave-field');
		expect(cmd({ key: 'Escape', focused: true })).toBe('leave-field');
		expect(cmd({ key: 'Escape' })).toBe('deselect');
	});

	it('moves with the arrows only once a ticket has focus, so they still scroll the page', () => {
		expect(cmd({ key: 'ArrowDown' })).toBe('next');
		expect(cmd({ key: 'ArrowUp' })).toBe('previous');
		expect(cmd({ key: 'ArrowDown', selected: null })).toBeNull();
		expect(cmd({ key: 'ArrowUp', onControl: true })).toBeNull();
		expect(cmd({ key: 'ArrowDown', typing: true })).toBeNull();
	});

	it('checks the focused ticket with x (a range with Shift), only for responders', () => {
		expect(cmd({ key: 'x' })).toBe('toggle-check');
		expect(cmd({ key: 'X' })).toBe('toggle-check-range');
		expect(cmd({ key: 'x', selected: { status: 'closed' } })).toBe('toggle-check');
		expect(cmd({ key: 'x', mayAct: false })).toBeNull();
		expect(cmd({ key: 'x', selected: null })).toBeNull();
		expect(cmd({ key: 'x', typing: true })).toBeNull();
	});
});
