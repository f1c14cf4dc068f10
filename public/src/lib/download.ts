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
