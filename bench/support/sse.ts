import { request, type IncomingMessage } from 'node:http';

export interface SseEvent { type: string; data: Record<string, unknown> }

/** Subscribes to /api/v1/events with a bearer token; calls onEvent for every parsed event. */
export function subscribeEvents(port: number, token: string, onEvent: (e: SseEvent, at: number) => void): Promise<{ close(): void }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/api/v1/events', headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' } }, (res: IncomingMessage) => {
      if (res.statusCode !== 200) { reject(new Error(`event stream answered ${res.statusCode}`)); return; }
      res.setEncoding('utf8');
      let buf = '';
      res.on('data', (chunk: string) => {
        const at = performance.now();
        buf += chunk;
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          let type = 'message';
          let data = '';
          for (const line of block.split('\n')) {
            if (line.startsWith('event: ')) type = line.slice(7);
            else if (line.startsWith('data: ')) data += line.slice(6);
          }
          if (!data) continue;
          try { onEvent({ type, data: JSON.parse(data) as Record<string, unknown> }, at); } catch { /* not JSON: ignore */ }
        }
      });
      resolve({ close: () => req.destroy() });
    });
    req.on('error', (err) => reject(err));
    req.end();
  });
}
