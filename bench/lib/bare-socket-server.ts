/**
 * The fan-out baseline: a bare Socket.IO server (Vigil's options, no auth, no
 * database) in its own process. Each POST to /api/webhooks/<endpoint> emits what
 * Vigil emits when it accepts a webhook: the `ticket:created` and
 * `audit:appended` payloads given in argv[2] (real ones from the run, under a
 * fresh ticket id) to every socket in one room, then answers 201 like Vigil.
 * Listens on PORT; GET /readyz answers 200.
 */
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import type { AuditEntryDto, TicketDto } from '#lib/contracts/tickets.ts';
import { newTicketId } from '#lib/server/tickets/ids.ts';

export interface BareSample {
	ticket: TicketDto;
	audit: AuditEntryDto;
}

const sample = JSON.parse(process.argv[2] ?? '{}') as BareSample;
const ROOM = 'board';

const http = createServer((req, res) => {
	if (req.method === 'GET' && req.url === '/readyz') return void res.writeHead(200).end('ok');
	if (req.method !== 'POST' || !req.url?.startsWith('/api/webhooks/'))
		return void res.writeHead(404).end();
	// The body is not needed, only read to the end as a real server would.
	req.resume();
	req.on('end', () => {
		const id = newTicketId('generic', new Date());
		io.to(ROOM).emit('ticket:created', { ...sample.ticket, id });
		io.to(ROOM).emit('audit:appended', { ...sample.audit, ticket_id: id });
		res
			.writeHead(201, { 'content-type': 'application/json' })
			.end(JSON.stringify({ status: 'created', ticket_id: id }));
	});
});
const io = new Server(http, { serveClient: false, transports: ['websocket', 'polling'] });
io.on('connection', (socket) => void socket.join(ROOM));

http.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => {
	const force = setTimeout(() => process.exit(1), 5000);
	force.unref();
	void io.close(() => process.exit(0));
});
