import type { FastifyInstance } from 'fastify';

/** Strict defaults: the desk loads only its own scripts and styles, and never runs inline script. */
export function securityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (req, reply) => {
    const docs = req.url.startsWith('/api/docs');
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    reply.header('cross-origin-opener-policy', 'same-origin');
    reply.header('permissions-policy', 'camera=(), microphone=(), geolocation=()');
    // A route that sets its own, stricter policy keeps it (the public knowledge-base page).
    if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', [
      "default-src 'self'",
      // Swagger UI needs inline styles and its own inline init script.
      docs ? "script-src 'self' 'unsafe-inline'" : "script-src 'self'",
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data:",
      "connect-src 'self'",
      "object-src 'none'",
      "base-uri 'none'",
      "frame-ancestors 'none'",
      "form-action 'self'",
    ].join('; '));
    if (req.url.startsWith('/api/')) reply.header('cache-control', 'no-store');
  });
}
