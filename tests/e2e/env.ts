/** Shared by the e2e server and the tests: who signs in, which key posts webhooks. */
export const E2E = {
	admin: { email: 'admin@contoso.example', password: 'correct horse battery staple' },
	ingestKey: 'vik_e2e_ingest_key_0123456789abcdef',
	allowedDomain: 'contoso.example'
};
