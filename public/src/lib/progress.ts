// Turns the shared client's progress steps into the translated status line a page shows.
import type { Progress } from '../../../src/client/reporter';
import type { MessageKey } from '../i18n';
import { clearStatus, showStatus } from './dom';

/** `powKey` names the puzzle line: submitting and looking up word it differently. */
export function progressLine(el: HTMLElement, powKey: MessageKey = 'progress.pow'): Progress {
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
      case 'upload':
        return showStatus(el, 'info', 'progress.uploadFile', vars);
      case 'done':
        return clearStatus(el);
    }
  };
}
