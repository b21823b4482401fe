import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';

export default ts.config(
	{ ignores: ['build/', '.svelte-kit/', 'node_modules/', 'test-results/', '.vigil/', '.shots-*'] },
	js.configs.recommended,
	...ts.configs.recommended,
	...svelte.configs.recommended,
	{
		languageOptions: {
			globals: { ...globals.browser, ...globals.node },
			parserOptions: {
				projectService: true,
				tsconfigRootDir: import.meta.dirname,
				extraFileExtensions: ['.svelte']
			}
		},
		rules: {
			// An unawaited promise loses its error: every one must be awaited or marked with void.
			'@typescript-eslint/no-floating-promises': 'error',
			'@typescript-eslint/no-unused-vars': [
				'error',
				{ argsIgnorePattern: '^_', varsIgnorePattern: '^_' }
			]
		}
	},
	{
		files: ['**/*.svelte', '**/*.svelte.ts'],
		languageOptions: { parserOptions: { parser: ts.parser } }
	},
	{
		// Browser code: types only from the server and the zod schemas, so neither server code
		// nor zod reaches a browser bundle (the word lists in contracts/words.ts are plain arrays).
		files: ['src/lib/client/**', 'src/lib/components/**', 'src/lib/format/**', 'src/routes/**'],
		ignores: ['src/routes/**/+*.server.ts', 'src/routes/**/+server.ts', '**/*.spec.ts'],
		rules: {
			'@typescript-eslint/no-restricted-imports': [
				'error',
				{
					patterns: [
						{
							group: ['\\#lib/server/*', '**/lib/server/*', '\\#lib/contracts/schemas.ts', 'zod'],
							allowTypeImports: true,
							message: 'Browser code may import only types from here.'
						}
					]
				}
			]
		}
	},
	{
		files: ['*.js', '*.config.js'],
		...ts.configs.disableTypeChecked
	}
);
