// A labelled progress bar and line for a file on its way: MB done, rate and time left, in the
// page's language. Used for supervisors' and reporters' downloads and for follow-up uploads.
import { setI18n } from './dom';
import { formatSize } from './format';

export interface Transfer {
  update(done: number, size: number): void;
  finish(size: number): void;
  remove(): void;
}

/** Puts a bar and a status line after `anchor` and returns what moves them. */
export function transferBar(anchor: HTMLElement, now = () => performance.now()): Transfer {
  const bar = document.createElement('progress');
  bar.max = 100;
  bar.value = 0;
  setI18n(bar, 'transfer.label');
  bar.setAttribute('aria-label', bar.textContent ?? '');
  const line = document.createElement('p');
  line.className = 'status status-info';
  line.setAttribute('role', 'status');
  anchor.after(bar, line);
  let start: { t: number; done: number } | null = null;
  return {
    update(done, size) {
      const t = now();
      start ??= { t, done };
      bar.value = size > 0 ? (100 * done) / size : 0;
      const seconds = (t - start.t) / 1000;
      const moved = done - start.done;
      const vars = { done: formatSize(done), size: formatSize(size) };
      if (seconds < 1 || moved <= 0) return setI18n(line, 'transfer.start', vars);
      const rate = moved / seconds;
      const left = (size - done) / rate;
      const key = left < 60 ? 'transfer.seconds' : 'transfer.minutes';
      setI18n(line, key, {
        ...vars,
        rate: formatSize(rate),
        left: Math.max(1, Math.round(left < 60 ? left : left / 60)),
      });
    },
    finish(size) {
      bar.value = 100;
      setI18n(line, 'transfer.saved', { size: formatSize(size) });
    },
    remove() {
      bar.remove();
      line.remove();
    },
  };
}
