// Turns the shared client's progress steps into the translated status line a page shows, and,
// given a bar, the share of the file sent so far on it (shown only while a file goes).
import type { Progress } from '../../../src/client/reporter';
import type { MessageKey } from '../i18n';
import { clearStatus, showStatus } from './dom';
import { formatSize } from './format';

/** `powKey` names the puzzle line: submitting and looking up word it differently. */
export function progressLine(
  el: HTMLElement,
  powKey: MessageKey = 'progress.pow',
  now = () => performance.now(),
  bar?: HTMLProgressElement,
): Progress {
  let started: { file: number; t: number; sent: number } | undefined;
  return (step) => {
    const vars = { current: step.current ?? 0, total: step.total ?? 0 };
    switch (step.stage) {
      case 'keys':
        return showStatus(el, 'info', 'progress.keys');
      case 'encrypt':
        return showStatus(
          el,
          'info',
          step.total ? 'progress.encryptFile' : 'progress.encrypt',
          vars,
        );
      case 'pow':
        return showStatus(el, 'info', powKey, { tries: step.current ?? 0 });
      case 'upload': {
        if (step.sent === undefined || !step.size)
          return showStatus(el, 'info', 'progress.uploadFile', vars);
        if (bar) {
          bar.hidden = false;
          bar.value = Math.min(100, (100 * step.sent) / step.size);
        }
        const t = now();
        const from =
          started && started.file === step.current
            ? started
            : { file: step.current ?? 0, t, sent: step.sent };
        started = from;
        const bytes = { ...vars, done: formatSize(step.sent), size: formatSize(step.size) };
        const seconds = (t - from.t) / 1000;
        const moved = step.sent - from.sent;
        if (seconds < 1 || moved <= 0) return showStatus(el, 'info', 'progress.uploadBytes', bytes);
        const left = Math.max(1, Math.round((step.size - step.sent) / (moved / seconds) / 60));
        return showStatus(el, 'info', 'progress.uploadRate', {
          ...bytes,
          rate: formatSize(moved / seconds),
          left,
        });
      }
      case 'done':
        hideBar(bar);
        return clearStatus(el);
    }
  };
}

/** Hides a file's bar again and empties it, once its form is done or has failed. */
export function hideBar(bar: HTMLProgressElement | undefined): void {
  if (!bar) return;
  bar.hidden = true;
  bar.value = 0;
}
