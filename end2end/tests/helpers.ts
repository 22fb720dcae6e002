import fs from 'node:fs';
import path from 'node:path';

/** The drop folder of the server under test. */
export const incoming = path.join(process.env.E2E_DATA_DIR!, 'incoming');

/** A 1×1 PNG: enough for the viewer to decode. */
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

/** `YYYYMMDDhhmmss` in UTC, the time token of file names. */
export function stamp(date = new Date()): string {
  return date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/** Drops a file the way careful providers do: write `.name.part`, rename. */
export function dropFile(name: string, bytes: Buffer): void {
  const part = path.join(incoming, `.${name}.part`);
  fs.writeFileSync(part, bytes);
  fs.renameSync(part, path.join(incoming, name));
}
