// The supervisor, administrator and auditor half of the OpenAPI document.
import { z } from 'zod';
import { checkpointBody } from '../audit/routes';
import { signInBody } from '../auth/routes';
import { classifyBody, replyBody, stateBody } from '../cases/routes';
import { grantBody } from '../grants/routes';
import { notifyBody } from '../notify/routes';
import { powHeaderParams } from '../pow/middleware';
import { flagStateBody } from '../retaliation/routes';
import { holdBody, retentionBody } from '../retention/routes';
import { enrolBody, recoveryKeyBody, unitBody } from '../supervisors/routes';

const schema = (s: z.ZodType) => z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' });
const json = (s: z.ZodType) => ({ content: { 'application/json': { schema: schema(s) } } });
const err = { $ref: '#/components/responses/Error' };
const errors = {
  '400': err,
  '401': err,
  '403': err,
  '404': err,
  '409': err,
  '413': err,
  '422': err,
  '429': err,
};
const session = [{ session: [] }];
const csrf = { name: 'X-CSRF-Token', in: 'header', required: true, schema: { type: 'string' } };
const id = (name = 'id') => ({ name, in: 'path', required: true, schema: { type: 'string' } });

const get = (summary: string, parameters: unknown[] = []) => ({
  get: {
    summary,
    security: session,
    parameters,
    responses: { '200': { description: 'OK' }, ...errors },
  },
});
const post = (summary: string, body?: z.ZodType, parameters: unknown[] = []) => ({
  post: {
    summary,
    security: session,
    parameters: [csrf, ...parameters],
    ...(body ? { requestBody: json(body) } : {}),
    responses: { '200': { description: 'OK' }, '201': { description: 'Created' }, ...errors },
  },
});

export const securitySchemes = {
  session: {
    type: 'apiKey',
    in: 'cookie',
    name: '__Host-portal-session',
    description: 'Opened by signing a challenge; HttpOnly, Secure, SameSite=Strict.',
  },
};

export const supervisorPaths = {
  '/api/auth/challenge': {
    post: {
      summary:
        'A single-use sign-in challenge bound to origin and purpose; paid with a proof of work (purpose "sign-in") in headers, and only at a configured origin',
      parameters: powHeaderParams,
      responses: { '201': { description: 'Challenge text to sign' }, ...errors },
    },
  },
  '/api/auth/sign-in': {
    post: {
      summary: 'Sign in with a detached signature over the challenge',
      requestBody: json(signInBody),
      responses: { '200': { description: 'Session cookie set; CSRF token returned' }, ...errors },
    },
  },
  '/api/auth/sign-out': post('End the session'),
  '/api/auth/me': get('The signed-in person and the CSRF token'),
  '/api/supervisors/enrol': {
    post: {
      summary: 'Enrol a public key (pending until approved); paid with a proof of work in headers',
      parameters: powHeaderParams,
      requestBody: json(enrolBody),
      responses: { '201': { description: 'Pending' }, ...errors },
    },
  },
  '/api/admin/supervisors': get('Supervisors by status (administrators)'),
  '/api/admin/supervisors/{id}/{decision}': post(
    'Approve, reject or revoke (administrators)',
    undefined,
    [
      id(),
      {
        name: 'decision',
        in: 'path',
        required: true,
        schema: { enum: ['approve', 'reject', 'revoke'] },
      },
    ],
  ),
  '/api/admin/units': {
    ...post('Create a unit (administrators)', unitBody),
    ...get('Units with active readers, recovery key and at-risk flag (administrators)'),
  },
  '/api/admin/units/{id}/recovery-key': post(
    "Set the unit's recovery key, revoking the previous one (administrators)",
    recoveryKeyBody,
    [id()],
  ),
  '/api/cases/{id}/keys': get(
    "Session-key packets of the case's items a key cannot read yet, to re-wrap for it",
    [id(), { name: 'for', in: 'query', required: true, schema: { type: 'string' } }],
  ),
  '/api/cases/{id}/grants': post(
    'Grant the case to another key: one new session-key packet per item (audited)',
    grantBody,
    [id()],
  ),
  '/api/grants/keys': get("The reading keys of the signed-in supervisor's unit"),
  '/api/cases': get('The unit inbox, overdue and retaliation first, keyset-paged', [
    { name: 'state', in: 'query', schema: { type: 'string' } },
    { name: 'cursor', in: 'query', schema: { type: 'string' } },
    { name: 'limit', in: 'query', schema: { type: 'integer', maximum: 100 } },
  ]),
  '/api/cases/{id}': get("A case's ciphertext (the opening is audited)", [id()]),
  '/api/cases/{id}/access': get(
    'Every opening, download and export of the case, from the audit trail',
    [id()],
  ),
  '/api/cases/{id}/attachments/{attachmentId}': get('An encrypted attachment (audited)', [
    id(),
    id('attachmentId'),
  ]),
  '/api/cases/{id}/replies': post('Reply to the reporter (ciphertext)', replyBody, [id()]),
  '/api/cases/{id}/state': post('Move the case to another state', stateBody, [id()]),
  '/api/cases/{id}/classification': post('Record the category for statistics', classifyBody, [
    id(),
  ]),
  '/api/retaliation': get('Open retaliation flags the unit may handle'),
  '/api/retaliation/{id}/state': post('Move a retaliation flag forward', flagStateBody, [id()]),
  '/api/stats': get('Figures per unit and quarter (administrators; ?format=csv exports)'),
  '/api/openapi.json': {
    get: { summary: 'This document', responses: { '200': { description: 'OpenAPI 3.1' } } },
  },
  '/api/public/stats': {
    get: {
      summary:
        'Published figures of the units that publish them, for quarters that have ended; nextPublication is the day the current quarter appears',
      responses: { '200': { description: 'OK' } },
    },
  },
  '/api/notify': {
    ...get('The signed-in person’s notice settings'),
    ...post(
      'Register an address for content-free notices (a confirmation link is sent)',
      notifyBody,
    ),
    delete: {
      summary: 'Stop notices',
      security: session,
      parameters: [csrf],
      responses: { '200': { description: 'OK' }, ...errors },
    },
  },
  '/api/notify/verify': {
    get: {
      summary: 'The confirmation link: a page with a button (mail scanners follow links)',
      responses: { '200': { description: 'HTML page' }, '400': { description: 'HTML page' } },
    },
    post: {
      summary: 'Confirm the address (form field token)',
      responses: { '200': { description: 'HTML page' }, '404': { description: 'HTML page' } },
    },
  },
  '/api/retention/upcoming': get('The unit’s closed cases to be deleted within 30 days'),
  '/api/cases/{id}/hold': post(
    'Ask for, or confirm, a legal hold or its lifting (two people)',
    holdBody,
    [id()],
  ),
  '/api/admin/cases/{id}/delete': post(
    'Ask for, or confirm, the early deletion of a case (two administrators)',
    undefined,
    [id()],
  ),
  '/api/admin/units/{id}/retention': post(
    'Set a unit’s retention period for closed cases',
    retentionBody,
    [id()],
  ),
  '/api/audit': get('Audit entries (administrators and auditors)'),
  '/api/audit/verify': get('Recompute the audit hash chain'),
  '/api/audit/head': get('The newest entry of the audit log and the checkpoint text to sign'),
  '/api/audit/checkpoints': post(
    'Store an auditor’s signed checkpoint of the head',
    checkpointBody,
  ),
};
