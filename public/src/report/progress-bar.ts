// One bar across every stage of a submission, with a line worded for someone who is afraid of
// getting it wrong: what is happening now, and for files how much is sent and how long is left.
import type { Progress } from '../../../src/client/reporter';
import type { MessageKey, Vars } from '../i18n';
import { setI18n } from '../lib/dom';
import { formatSize } from '../lib/format';

// Shares of the bar: keys, sealing the report, the anti-abuse check and the report's request take
// the first part; the files, by size, the rest (a fifth of each file's share for sealing it).
const BEFORE_FILES = 30;

/** The upload line with the time left, in seconds under a minute and in minutes above. */
function withTimeLeft(seconds: number): { key: MessageKey; left: number } {
  if (seconds < 60)
    return { key: 'send.step.uploadSeconds', left: Math.max(1, Math.round(seconds)) };
  return { key: 'send.step.uploadMinutes', left: Math.round(seconds / 60) };
}

export function progressBar(
  bar: HTMLProgressElement,
  line: HTMLElement,
  fileSizes: number[],
  now: () => number = () => performance.now(),
): Progress {
  const totalBytes = fileSizes.reduce((a, b) => a + b, 0);
  const filesSpan = fileSizes.length > 0 ? 100 - BEFORE_FILES : 0;
  const doneBefore = (i: number) => fileSizes.slice(0, i).reduce((a, b) => a + b, 0);
  const fileStart = (i: number) => BEFORE_FILES + (filesSpan * doneBefore(i)) / (totalBytes || 1);
  const fileShare = (i: number) => (filesSpan * (fileSizes[i] ?? 0)) / (totalBytes || 1);
  let uploadStart = 0;
  let uploadFile = -1;
  let sentAtStart = 0;
  const set = (value: number, key: MessageKey, vars?: Vars) => {
    bar.value = Math.min(100, Math.max(bar.value, value));
    setI18n(line, key, vars);
  };
  return (step) => {
    const i = (step.current ?? 1) - 1;
    const n = { current: step.current ?? 0, total: step.total ?? 0 };
    switch (step.stage) {
      case 'keys':
        return set(2, 'send.step.keys');
      case 'encrypt':
        if (!step.total) return set(15, 'send.step.encrypt');
        return set(fileStart(i), 'send.step.encryptFile', n);
      case 'pow':
        return set(20, 'send.step.check');
      case 'upload': {
        const sent = step.sent ?? 0;
        const size = step.size ?? 1;
        // A resumed file starts where the server stopped: the rate counts from there.
        if (i !== uploadFile) {
          uploadFile = i;
          uploadStart = now();
          sentAtStart = sent;
        }
        const value = fileStart(i) + fileShare(i) * (0.2 + (0.8 * sent) / size);
        const vars = { ...n, sent: formatSize(sent), size: formatSize(size) };
        const elapsed = (now() - uploadStart) / 1000;
        const moved = sent - sentAtStart;
        // A rate is only worth showing once some of the file has gone.
        if (moved <= 0 || elapsed < 1) return set(value, 'send.step.uploadFile', vars);
        // Bytes still to go (this file's rest and the files after it) at this file's rate so far.
        const rest = size - sent + totalBytes - doneBefore(i + 1);
        const { key, left } = withTimeLeft((rest * elapsed) / moved);
        return set(value, key, { ...vars, left, rate: formatSize(moved / elapsed) });
      }
      case 'done':
        return set(100, 'send.step.done');
    }
  };
}
