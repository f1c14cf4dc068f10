// Picking evidence files: a list the reporter can edit, with the server's size limit (from
// GET /api/limits) said in the help text and checked locally.
import type { FileSource } from '../../../src/client/reporter';
import { onLanguageChange, t } from '../i18n';
import { clearStatus, h, setI18n, showStatus } from './dom';
import { formatSize } from './format';
import { portalLimits } from './limits';

/** The largest file the portal accepts; null when the portal could not be asked. */
export const maxFileBytes = (): Promise<number | null> =>
  portalLimits().then((l) => l?.attachmentBytes ?? null);

/** A file read a slice at a time, so that a large one is never held whole. */
export const sliced = (f: File): FileSource => ({
  name: f.name,
  type: f.type,
  size: f.size,
  read: async (start, end) => new Uint8Array(await f.slice(start, end).arrayBuffer()),
  blob: f,
});

export class FilePicker {
  private files: File[] = [];
  private max: number | null = null;

  constructor(
    private readonly input: HTMLInputElement,
    private readonly list: HTMLUListElement,
    private readonly status: HTMLElement,
  ) {
    input.addEventListener('change', () => this.add());
    onLanguageChange(() => this.render()); // the remove buttons' labels name the file in words
    const help = document.getElementById(`${input.id}-help`);
    void maxFileBytes().then((max) => {
      this.max = max;
      if (help && max) setI18n(help, 'files.help', { max: formatSize(max) });
    });
  }

  private add(): void {
    clearStatus(this.status);
    for (const file of Array.from(this.input.files ?? [])) {
      // Refused here so nobody waits for a long upload the server would reject anyway.
      if (this.max && file.size > this.max)
        showStatus(this.status, 'error', 'files.tooBig', {
          name: file.name,
          max: formatSize(this.max),
        });
      else this.files.push(file);
    }
    this.input.value = ''; // lets the same file be picked again after removing it
    this.render();
  }

  render(): void {
    this.list.replaceChildren(
      ...this.files.map((file, index) => {
        const remove = h('button', {
          class: 'btn btn-small btn-quiet',
          i18n: 'files.remove',
          attrs: { type: 'button', 'aria-label': t('files.removeLabel', { name: file.name }) },
        });
        remove.addEventListener('click', () => {
          this.files.splice(index, 1);
          this.render();
          this.input.focus();
        });
        return h(
          'li',
          {},
          h('span', { class: 'file-name' }, file.name),
          ` (${formatSize(file.size)}) `,
          remove,
        );
      }),
    );
    this.list.hidden = this.files.length === 0;
  }

  get count(): number {
    return this.files.length;
  }

  chosen(): File[] {
    return [...this.files];
  }

  /** The chosen files, each read only when the submission reaches it. */
  sources(): FileSource[] {
    return this.files.map(sliced);
  }

  clear(): void {
    this.files = [];
    this.render();
  }
}
