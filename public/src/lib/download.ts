// Saving bytes produced in the browser as a file the reporter chooses to keep.

export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  // Revoke later: some browsers start the download asynchronously after click().
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function saveBytes(bytes: Uint8Array, fileName: string, type: string): void {
  saveBlob(
    new Blob([bytes as Uint8Array<ArrayBuffer>], { type: type || 'application/octet-stream' }),
    fileName,
  );
}

export function saveText(text: string, fileName: string): void {
  saveBlob(new Blob([text], { type: 'text/plain;charset=utf-8' }), fileName);
}

/** Writes a decrypted file as it arrives, and says at the end where it went. */
export interface DiskSink {
  write(bytes: Uint8Array): Promise<void>;
  /** Finishes the file (saves it, in the fallback); `name` and `type` come from inside it. */
  close(name: string, type: string): Promise<void>;
  abort(): Promise<void>;
}

interface SavePicker {
  showSaveFilePicker?(options: { suggestedName: string }): Promise<{
    createWritable(): Promise<{
      write(data: Uint8Array): Promise<void>;
      close(): Promise<void>;
      abort(): Promise<void>;
    }>;
  }>;
}

/**
 * Straight to disk where the browser has the File System Access API (the person picks where,
 * before anything is decrypted); elsewhere the decrypted parts are gathered in a Blob, which the
 * browser keeps on disk when it is large, and saved under the file's own name at the end.
 * Must be called from the click itself: the picker needs the person's gesture.
 */
export async function diskSink(suggestedName: string): Promise<DiskSink> {
  const picker = (globalThis as SavePicker).showSaveFilePicker;
  if (picker) {
    const handle = await picker.call(globalThis, { suggestedName });
    const file = await handle.createWritable();
    return {
      write: (bytes) => file.write(bytes),
      close: () => file.close(),
      abort: () => file.abort(),
    };
  }
  let parts: Blob[] = [];
  return {
    write: async (bytes) => {
      parts.push(new Blob([bytes as Uint8Array<ArrayBuffer>]));
    },
    close: async (name, type) => {
      saveBlob(new Blob(parts, { type: type || 'application/octet-stream' }), name);
      parts = [];
    },
    abort: async () => {
      parts = [];
    },
  };
}
