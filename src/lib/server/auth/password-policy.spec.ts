import { describe, expect, it } from 'vitest';
import { passwordProblem } from './password-policy.ts';

const ctx = { email: 'sam.jones@contoso.example', name: 'Sam Jones' };

describe('password policy', () => {
	it.each([
		['short', 'short one', /at least 12/],
		['all spaces', ' '.repeat(12), /only spaces/],
		['all tabs and spaces', ' \t '.repeat(5), /only spaces/],
		['one repeated character', 'a'.repeat(30), /one character repeated/],
		['a short pattern repeated', 'abcabcabcabc', /pattern repeated/],
		['two characters alternating', 'abababababab', /pattern repeated/],
		['the alphabet', 'abcdefghijklmnop', /sequence/],
		['digits in a row', '123456789012', /sequence/],
		['digits backwards', '9876543210987', /sequence/],
		['a keyboard row', 'qwertyuiop12', /sequence/],
		['keyboard columns', '1qaz2wsx3edc4rfv', /sequence/],
		['the e-mail', 'sam.jones@contoso.example', /e-mail address or name/],
		['the e-mail local part with digits', 'sam.jones2024!', /e-mail address or name/],
		['the name', 'iamSamJones!!', /e-mail address or name/],
		['a common password with digits', 'Password123456', /most common/],
		['a common password with symbols', '!!!football!!!', /most common/],
		['a common password in leetspeak', 'P4ssw0rd2024!', /most common/],
		['a long common password', 'masterbating', /most common/]
	])('refuses %s', (_what, password, message) => {
		expect(passwordProblem(password, ctx)).toMatch(message);
	});

	it.each([
		'correct horse battery staple',
		'a long enough password',
		'Tr0ub4dor&3-plus-more',
		'q8#Lm2!vZr7@Kd',
		'zebra ankle morning pencil'
	])('accepts %s', (password) => {
		expect(passwordProblem(password, ctx)).toBeNull();
	});

	it('checks the e-mail and name only when given', () => {
		expect(passwordProblem('samjonesrocks')).toBeNull();
		expect(passwordProblem('samjonesrocks', { name: 'Sam Jones' })).toMatch(/name/);
	});
});
