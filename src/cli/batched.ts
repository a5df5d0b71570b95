/** Output of long streamed commands (trace show, trace import). */

/** Writes collected into blocks of about 64 KiB (one system call each, not one per exchange). */
export function batched(write: (text: string) => void): { write: (text: string) => void; flush: () => void } {
  let parts: string[] = [];
  let size = 0;
  const flush = (): void => {
    if (parts.length > 0) write(parts.join(''));
    parts = [];
    size = 0;
  };
  return {
    write: (text) => {
      parts.push(text);
      size += text.length;
      if (size >= 65536) flush();
    },
    flush,
  };
}
