// GET /api/openapi.json: the API described from the same zod schemas that validate requests.
import { Hono } from 'hono';
import { z } from 'zod';
import { uploadStateSchema as uploadState } from '../contract/uploads';
import type { AppEnv } from '../http/types';
import { powHeaderParams } from '../pow/middleware';
import { POW_PURPOSES } from '../pow/service';
import { addMessageBody, flagRetaliationBody, shareBody } from '../receipts/schemas';
import { createReportBody, createReportResponse } from '../reports/schemas';
import { startUploadBody } from '../uploads/routes';
import { securitySchemes, supervisorPaths } from './supervisor-paths';

const schema = (s: z.ZodType) => z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' });
const json = (s: z.ZodType) => ({ content: { 'application/json': { schema: schema(s) } } });
const errorRef = { $ref: '#/components/responses/Error' };
const tokenHeader = {
  name: 'X-Lookup-Token',
  in: 'header',
  required: true,
  schema: { type: 'string' },
  description: 'HKDF-derived from the receipt; the server keeps only its SHA-256.',
};
const errors = {
  '400': errorRef,
  '403': errorRef,
  '404': errorRef,
  '413': errorRef,
  '415': errorRef,
  '422': errorRef,
};

export function openApiDocument() {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Whistleblower portal API',
      version: '1',
      description:
        'Everything a reporter or supervisor writes arrives as OpenPGP ciphertext made in the browser.',
    },
    components: {
      securitySchemes,
      responses: {
        Error: {
          description: 'Error envelope',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: {
                  error: {
                    type: 'object',
                    required: ['code', 'message', 'requestId'],
                    properties: {
                      code: { type: 'string' },
                      message: { type: 'string' },
                      requestId: { type: 'string' },
                      details: {},
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
    paths: {
      ...supervisorPaths,
      '/api/units': {
        get: {
          summary: 'Unit tree with active public keys',
          responses: { '200': { description: 'Units' } },
        },
      },
      '/api/pow': {
        get: {
          summary: 'A proof-of-work challenge',
          description:
            'Free and stateless: asking moves nothing. Only solved and spent work raises the difficulty.',
          parameters: [{ name: 'purpose', in: 'query', schema: { enum: [...POW_PURPOSES] } }],
          responses: { '200': { description: 'Challenge' }, ...errors },
        },
      },
      '/api/reports': {
        post: {
          summary:
            'Submit a report (ciphertext only); with `files` to follow it stays a draft until the last is in. A repeat under the same lookup token with the same ciphertext gets the first answer. Paid with a proof of work in headers.',
          parameters: powHeaderParams,
          requestBody: json(createReportBody),
          responses: {
            '201': {
              description: 'Created, or the first answer again',
              ...json(createReportResponse),
            },
            ...errors,
          },
        },
      },
      '/api/reports/files': {
        post: {
          summary:
            'Upload file `index` (from 0, in order) of a draft report; the last one makes the report final. A file sent again is acknowledged without a second copy.',
          parameters: [
            tokenHeader,
            { name: 'index', in: 'query', required: true, schema: { type: 'integer' } },
          ],
          requestBody: {
            content: {
              'application/octet-stream': { schema: { type: 'string', format: 'binary' } },
            },
          },
          responses: {
            '201': { description: 'Stored, or already stored', ...json(createReportResponse) },
            ...errors,
          },
        },
      },
      '/api/receipt': {
        get: {
          summary: "The reporter's view of their case",
          parameters: [tokenHeader, ...powHeaderParams],
          responses: {
            '200': {
              description:
                'State, history, locked reporter key, messages as ciphertext, and each unit key once with whether new messages and retaliation flags must be encrypted to it',
            },
            ...errors,
          },
        },
      },
      '/api/receipt/messages': {
        post: {
          summary:
            'Add a message; with `files` > 0 it waits, seen by no supervisor, until its files are in (POST /api/uploads)',
          parameters: [tokenHeader],
          requestBody: json(addMessageBody),
          responses: { '201': { description: 'Added (or pending its files)' }, ...errors },
        },
      },
      '/api/receipt/pending': {
        get: {
          summary:
            'The reporter’s messages still waiting for their files: ciphertext, files expected and received',
          parameters: [tokenHeader],
          responses: { '200': { description: 'Pending messages' }, ...errors },
        },
      },
      '/api/receipt/retaliation': {
        post: {
          summary: 'Flag retaliation',
          parameters: [tokenHeader],
          requestBody: json(flagRetaliationBody),
          responses: { '201': { description: 'Flagged' }, ...errors },
        },
      },
      '/api/receipt/share': {
        get: {
          summary:
            'The units above the case may be shared with, their reading keys, and the session-key packets of every message and file',
          parameters: [tokenHeader],
          responses: { '200': { description: 'What a share re-wraps' }, ...errors },
        },
        post: {
          summary:
            'Share the whole case with a unit above: one re-wrapped session-key packet per item and reading key (audited as case.share)',
          parameters: [tokenHeader],
          requestBody: json(shareBody),
          responses: { '201': { description: 'Shared' }, ...errors },
        },
      },
      '/api/receipt/attachments/{id}': {
        get: {
          summary: 'Download an encrypted file',
          parameters: [
            tokenHeader,
            { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
          ],
          responses: { '200': { description: 'OpenPGP binary' }, ...errors },
        },
      },
      '/api/reports/draft': {
        get: {
          summary: 'An unfinished submission, to resume it after a reload (paid like a look-up)',
          parameters: [tokenHeader, ...powHeaderParams],
          responses: { '200': { description: 'The draft' }, ...errors },
        },
      },
      '/api/limits': {
        get: {
          summary:
            'The largest file and the most files a message may carry, and when a page gives a stalled chunk request up',
          responses: { '200': { description: 'Limits in bytes, files and seconds' } },
        },
      },
      '/api/uploads': {
        post: {
          summary: 'Announce a file sent in chunks, or find the one under way to resume it',
          parameters: [tokenHeader],
          requestBody: json(startUploadBody),
          responses: { '201': { description: 'Upload state', ...json(uploadState) }, ...errors },
        },
      },
      '/api/uploads/{id}/chunks/{n}': {
        post: {
          summary:
            'Send chunk n (from 0): one OpenPGP message carrying the first chunk’s session-key packets byte for byte; the last one finishes the file',
          parameters: [
            tokenHeader,
            { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
            { name: 'n', in: 'path', required: true, schema: { type: 'integer' } },
          ],
          requestBody: {
            content: {
              'application/octet-stream': { schema: { type: 'string', format: 'binary' } },
            },
          },
          responses: { '201': { description: 'Upload state', ...json(uploadState) }, ...errors },
        },
      },
    },
  };
}

let cached: ReturnType<typeof openApiDocument> | undefined;
export const openApiRoutes = new Hono<AppEnv>().get('/api/openapi.json', (c) => {
  cached ??= openApiDocument();
  return c.json(cached);
});
