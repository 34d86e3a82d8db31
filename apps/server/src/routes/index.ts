import type { FastifyInstance } from 'fastify';
import { adminRoutes } from './admin.routes';
import { analyticsRoutes } from './analytics.routes';
import { auditRoutes } from './audit.routes';
import { brandRoutes } from './brands.routes';
import { channelRoutes } from './channels.routes';
import { webchatRoutes } from './webchat.routes';
import { authRoutes } from './auth.routes';
import { contactRoutes } from './contacts.routes';
import { conversationRoutes } from './conversations.routes';
import { deskRoutes } from './desk.routes';
import { eventRoutes } from './events.routes';
import { ingestRoutes } from './ingest.routes';
import { mentionRoutes } from './mentions.routes';
import { incidentRoutes } from './incidents.routes';
import { kbRoutes } from './kb.routes';
import { communityRoutes } from './community.routes';
import { communityPages } from './community.pages';
import type { RouteDeps } from './shared';
import { systemRoutes } from './system.routes';
import { routingRoutes } from './routing.routes';
import { triageRoutes } from './triage.routes';
import { webhookRoutes } from './webhooks.routes';
import { csatRoutes } from './csat.routes';
import { noticeRoutes } from './notices.routes';

export async function registerRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  for (const routes of [systemRoutes, authRoutes, conversationRoutes, contactRoutes, adminRoutes, ingestRoutes, channelRoutes, webchatRoutes, auditRoutes, eventRoutes, deskRoutes, routingRoutes, triageRoutes, mentionRoutes, incidentRoutes, kbRoutes, webhookRoutes, communityRoutes, communityPages, analyticsRoutes, brandRoutes, csatRoutes, noticeRoutes]) {
    await routes(app, deps);
  }
}
