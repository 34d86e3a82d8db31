import { hmacSha256, sha256Hex } from '../shared/crypto';

/**
 * A survey's link token: HMAC(server secret, survey id), 256 bits, unguessable without the secret.
 * It is never stored — the survey row keeps its sha256 for the look-up, and the delivery job derives
 * it again when it puts the link into the message it sends (the stored text keeps a placeholder).
 */
export function surveyToken(secret: string, surveyId: string): string {
  return hmacSha256(`csat-survey:${secret}`, surveyId).toString('base64url');
}

export function surveyTokenHash(token: string): string {
  return sha256Hex(`csat:${token}`);
}

/** Shape check before any look-up: 43 base64url characters. */
export function isSurveyTokenShape(token: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(token);
}

/** Where the link goes in a stored survey message. */
export const SURVEY_LINK_PLACEHOLDER = '{{survey_link}}';
