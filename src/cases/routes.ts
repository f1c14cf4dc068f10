// Supervisor case routes: inbox, open, attachments, reply, state, classification, access list.
import { Hono } from 'hono';
import { z } from 'zod';
import { CASE_OUTCOMES, CASE_STATES } from '../../db/schema';
import { requireActor } from '../auth/middleware';
import { REPORT_CATEGORIES } from '../contract/terms';
import type { AppEnv } from '../http/types';
import { jsonBody, limitBody, parseWith, query } from '../http/validate';
import { armoredMessage, entityId, MAX_FOLLOWUP_MESSAGE } from '../reports/schemas';
import { listInbox } from './inbox';
import { caseAccessList } from './openings';
import { changeState, classify, openAttachment, openCaseContent, reply } from './service';

const inboxQuery = z.strictObject({
  state: z.enum(CASE_STATES).optional(),
  cursor: z.string().max(80).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
});
const caseParams = z.strictObject({ id: entityId });
const attachmentParams = z.strictObject({ id: entityId, attachmentId: entityId });
export const replyBody = z.strictObject({ message: armoredMessage(MAX_FOLLOWUP_MESSAGE) });
export const stateBody = z.strictObject({
  state: z.enum(CASE_STATES),
  outcome: z.enum(CASE_OUTCOMES).optional(),
});
export const classifyBody = z.strictObject({ classification: z.enum(REPORT_CATEGORIES) });

const supervisor = requireActor('supervisor');
const caseId = (c: { req: { param: () => Record<string, string> } }) =>
  parseWith(caseParams, c.req.param(), 'path').id;

export const caseRoutes = new Hono<AppEnv>()
  .get('/api/cases', supervisor, async (c) => {
    return c.json(await listInbox(c.get('ctx'), c.get('actor'), query(c, inboxQuery)));
  })
  .get('/api/cases/:id', supervisor, async (c) => {
    return c.json(await openCaseContent(c.get('ctx'), c.get('actor'), caseId(c)));
  })
  .get('/api/cases/:id/access', supervisor, async (c) => {
    return c.json(await caseAccessList(c.get('ctx'), c.get('actor'), caseId(c)));
  })
  .get('/api/cases/:id/attachments/:attachmentId', supervisor, async (c) => {
    const p = parseWith(attachmentParams, c.req.param(), 'path');
    const stream = await openAttachment(c.get('ctx'), c.get('actor'), p.id, p.attachmentId);
    return c.body(stream, 200, {
      'content-type': 'application/octet-stream',
    });
  })
  .post('/api/cases/:id/replies', supervisor, limitBody(MAX_FOLLOWUP_MESSAGE + 1024), async (c) => {
    const id = caseId(c);
    const body = await jsonBody(c, replyBody);
    return c.json(await reply(c.get('ctx'), c.get('actor'), id, body.message), 201);
  })
  .post('/api/cases/:id/state', supervisor, limitBody(1024), async (c) => {
    const id = caseId(c);
    return c.json(
      await changeState(c.get('ctx'), c.get('actor'), id, await jsonBody(c, stateBody)),
    );
  })
  .post('/api/cases/:id/classification', supervisor, limitBody(1024), async (c) => {
    const id = caseId(c);
    const body = await jsonBody(c, classifyBody);
    return c.json(await classify(c.get('ctx'), c.get('actor'), id, body.classification));
  });
