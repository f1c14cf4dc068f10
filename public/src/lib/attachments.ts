// Encrypting and uploading evidence files one by one after their message exists.
import type { PrivateKey } from 'openpgp';
import { ApiError, callApi } from '../../../src/client/api';
import type { FileInput } from '../../../src/client/types';
import { sealFile } from '../../../src/crypto';
import { browserFetch } from './api';
import type { Step } from './pow';

export interface FileTarget {
  lookupToken: string;
  messageId: string;
  /** The same keys as the message the files belong to. */
  recipients: string[];
  signingKey: PrivateKey;
}

/** Sends every file and returns the names of those that failed, so one bad file loses nothing else. */
export async function sendFiles(
  target: FileTarget,
  files: FileInput[],
  step: Step,
): Promise<string[]> {
  const failed: string[] = [];
  for (const [i, file] of files.entries()) {
    const vars = { current: i + 1, total: files.length };
    try {
      step('progress.encryptFile', vars);
      const sealed = await sealFile(
        file.bytes,
        { name: file.name, type: file.type },
        { recipients: target.recipients, signingKey: target.signingKey },
      );
      step('progress.uploadFile', vars);
      await callApi(
        browserFetch,
        `/api/receipt/attachments?message=${encodeURIComponent(target.messageId)}`,
        {
          method: 'POST',
          headers: {
            'x-lookup-token': target.lookupToken,
            'content-type': 'application/octet-stream',
          },
          body: sealed as Uint8Array<ArrayBuffer>,
        },
      );
    } catch (err) {
      if (!(err instanceof ApiError || err instanceof TypeError)) console.error(err);
      failed.push(file.name);
    }
  }
  return failed;
}
