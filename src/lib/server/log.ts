import pino from 'pino';

/** Structured JSON logs; request and job ids travel as child-logger bindings. */
export const log = pino({
	level: process.env.LOG_LEVEL ?? (process.env.VITEST ? 'silent' : 'info'),
	base: { service: 'vigil' },
	redact: ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie']
});
export type Logger = typeof log;
