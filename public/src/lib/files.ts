// Picking evidence files: a list the reporter can edit, with the 25 MB limit checked locally.
import type { FileSource } from '../../../src/client/reporter';
import type { FileInput } from '../../../src/client/types';
import { onLanguageChange, t } from '../i18n';
import { clearStatus, h, showStatus } from './dom';
import { formatSize } from './format';

export const MAX_FILE_BYTES = 25 * 1024 * 1024;

export class FilePicker {
  private files: File[] = [];

  constructor(
    private readonly input: HTMLInputElement,
    private readonly list: HTMLUListElement,
    private readonly status: HTMLElement,
  ) {
    input.addEventListener('change', () => this.add());
    onLanguageChange(() => this.render()); // the remove buttons' labels name the file in words
  }

  private add(): void {
    clearStatus(this.status);
    for (const file of Array.from(this.input.files ?? [])) {
      // Refused here so nobody waits for a long upload the server would reject anyway.
      if (file.size > MAX_FILE_BYTES)
        showStatus(this.status, 'error', 'files.tooBig', { name: file.name });
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

  async read(): Promise<FileInput[]> {
    return Promise.all(
      this.files.map(async (f) => ({
        name: f.name,
        type: f.type,
        bytes: new Uint8Array(await f.arrayBuffer()),
      })),
    );
  }

  chosen(): File[] {
    return [...this.files];
  }

  /** The chosen files, each read only when the submission reaches it. */
  sources(): FileSource[] {
    return this.files.map((f) => ({
      name: f.name,
      type: f.type,
      size: f.size,
      read: async () => new Uint8Array(await f.arrayBuffer()),
    }));
  }

  clear(): void {
    this.files = [];
    this.render();
  }
}
