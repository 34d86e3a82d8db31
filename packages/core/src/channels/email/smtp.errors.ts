import { EarshotError } from '@earshot/domain';

interface SmtpErrorShape {
  code?: unknown;
  responseCode?: unknown;
  response?: unknown;
}

/**
 * An SMTP failure → the driver contract's errors: 4xx replies and connection failures are transient
 * (EARSHOT_PROVIDER_UNAVAILABLE, retried), 5xx replies are permanent (EARSHOT_PROVIDER_REJECTED, shown to
 * the agent with the server's reason). The library error is not attached: it can carry the AUTH exchange.
 */
export function smtpError(err: unknown): EarshotError {
  if (err instanceof EarshotError) return err;
  const e: SmtpErrorShape = typeof err === 'object' && err !== null ? err : {};
  const code = typeof e.code === 'string' ? e.code : undefined;
  const responseCode = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  // The server's reply line is the reason the agent sees ("550 5.1.1 mailbox unknown"), cut to one line.
  const reply = typeof e.response === 'string' ? e.response.split(/\r?\n/)[0]?.slice(0, 300) : undefined;
  const details = { code, responseCode, reply };
  if (responseCode !== undefined && responseCode >= 500) {
    return new EarshotError('EARSHOT_PROVIDER_REJECTED', `SMTP server refused the message: ${reply ?? responseCode}`, { details });
  }
  if (responseCode !== undefined && responseCode >= 400) {
    return new EarshotError('EARSHOT_PROVIDER_UNAVAILABLE', `SMTP server deferred the message: ${reply ?? responseCode}`, { details });
  }
  if (code === 'EAUTH' || code === 'EENVELOPE' || code === 'EMESSAGE') {
    return new EarshotError('EARSHOT_PROVIDER_REJECTED', `SMTP send failed (${code})`, { details });
  }
  // No reply at all (refused, reset, timed out, DNS): the server may be back later.
  return new EarshotError('EARSHOT_PROVIDER_UNAVAILABLE', `SMTP server unavailable (${code ?? 'error'})`, { details });
}
