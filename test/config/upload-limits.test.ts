// UPLOAD_STALL_SECONDS and UPLOAD_ANSWER_SECONDS: checked at start like every setting (bounded,
// whole seconds, a bad value stops the start and names the variable), and served with the other
// limits at GET /api/limits, through each runtime's own way of reading its settings (the Node
// environment; the Worker's vars).
// scenario: node and workerd
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config';
import { limitsResponse } from '../../src/contract/uploads';
import { useHarness } from '../helpers/harness';

const h = useHarness({ UPLOAD_STALL_SECONDS: '7', UPLOAD_ANSWER_SECONDS: '900' });

describe('upload stall limits', () => {
  it('default to 60 s with no byte sent and 180 s with no answer', () => {
    const { limits } = loadConfig({});
    expect([limits.uploadStallSeconds, limits.uploadAnswerSeconds]).toEqual([60, 180]);
  });

  it('take whole seconds from 2 to 3600', () => {
    for (const [stall, answer] of [
      ['2', '2'],
      ['3600', '3600'],
      ['300', ' 600 '],
    ] as const) {
      const { limits } = loadConfig({ UPLOAD_STALL_SECONDS: stall, UPLOAD_ANSWER_SECONDS: answer });
      expect([limits.uploadStallSeconds, limits.uploadAnswerSeconds]).toEqual([
        Number(stall),
        Number(answer),
      ]);
    }
  });

  it('refuse anything else at start, naming the variable', () => {
    for (const name of ['UPLOAD_STALL_SECONDS', 'UPLOAD_ANSWER_SECONDS']) {
      for (const bad of ['0', '1', '3601', '-5', '2.5', 'sixty', '1e9']) {
        let thrown: unknown;
        try {
          loadConfig({ [name]: bad });
        } catch (err) {
          thrown = err;
        }
        expect(thrown, `${name}=${bad}`).toBeInstanceOf(ConfigError);
        expect((thrown as Error).message).toMatch(new RegExp(`^  ${name}: `, 'm'));
      }
    }
  });

  it('are served to the pages with the other limits', async () => {
    const res = await h.app.request('/api/limits');
    expect(res.status).toBe(200);
    const limits = limitsResponse.parse(await res.json());
    expect(limits).toMatchObject({ uploadStallSeconds: 7, uploadAnswerSeconds: 900 });
    expect(limits.attachmentBytes).toBe(loadConfig({}).limits.attachmentBytes);
  });
});
