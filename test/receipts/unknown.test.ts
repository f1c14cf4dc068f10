// Unknown receipts are indistinguishable: any unknown or malformed token gets the same answer.
// scenario: node and workerd
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/client/api';
import { openCase } from '../../src/client/reporter';
import { deriveReceiptSecrets, generateReceipt, solvePow } from '../../src/crypto';
import { useHarness } from '../helpers/harness';

const h = useHarness();

async function lookup(token: string) {
  const pow = (await (await h.app.request('/api/pow?purpose=lookup')).json()) as {
    challenge: string;
    difficulty: number;
  };
  const nonce = await solvePow(pow.challenge, pow.difficulty);
  const res = await h.app.request('/api/receipt', {
    headers: { 'x-lookup-token': token, 'x-pow-challenge': pow.challenge, 'x-pow-nonce': nonce },
  });
  const body = (await res.json()) as {
    error: { code: string; message: string; requestId: string };
  };
  return { status: res.status, code: body.error.code, message: body.error.message };
}

describe('unknown receipts', () => {
  it('get one identical answer whatever the token', async () => {
    const answers = [];
    for (let i = 0; i < 5; i++)
      answers.push(await lookup((await deriveReceiptSecrets(generateReceipt())).lookupToken));
    answers.push(await lookup('not-a-token'));
    answers.push(await lookup(''));
    for (const a of answers) expect(a).toEqual(answers[0]);
    expect(answers[0]).toMatchObject({ status: 404, code: 'not_found' });
  });

  it('answer the same on follow-up routes', async () => {
    const token = (await deriveReceiptSecrets(generateReceipt())).lookupToken;
    const res = await h.app.request('/api/receipt/messages', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-lookup-token': token },
      body: JSON.stringify({
        message: '-----BEGIN PGP MESSAGE-----\n\nx\n-----END PGP MESSAGE-----',
      }),
    });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe(
      (await lookup(token)).message,
    );
  });

  it('are refused locally, with no request, when mistyped', async () => {
    let requests = 0;
    const counting = (path: string, init?: RequestInit) => {
      requests++;
      return h.fetcher(path, init);
    };
    const code = generateReceipt();
    const typo = code.slice(0, 3) + (code[3] === 'A' ? 'B' : 'A') + code.slice(4);
    await expect(openCase(counting, typo)).rejects.toBeInstanceOf(ApiError);
    expect(requests).toBe(0);
  });
});
