// JSON encoding for the HTTP transport. JSON has no binary type, so byte arrays travel as
// `{ "$bytes": "<base64>" }`. Electron IPC uses structured clone and needs none of this.
// Dependency-free: used by the HTTP server and by the renderer's HTTP client.

const BYTES_KEY = '$bytes';

type Base64Native = { toBase64?: () => string };
/** Node's Buffer, when this runs in the main process; looked up at run time so the renderer needs no polyfill. */
type NodeBuffer = {
  from(data: ArrayBufferLike, byteOffset: number, length: number): { toString(encoding: 'base64'): string };
  from(data: string, encoding: 'base64'): Uint8Array;
};
const nodeBuffer = (globalThis as { Buffer?: NodeBuffer }).Buffer;
type Base64Ctor = { fromBase64?: (s: string) => Uint8Array };

function bytesToBase64(bytes: Uint8Array): string {
  // Chromium ships Uint8Array#toBase64; elsewhere build the binary string in chunks. `apply` over a typed
  // array is ~10× faster than spreading it, which matters for 5 MB photographs.
  const native = (bytes as Base64Native).toBase64;
  if (typeof native === 'function') return native.call(bytes);
  if (nodeBuffer) return nodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + chunk) as unknown as number[]);
  }
  return btoa(binary);
}

function base64ToBytes(base64: string): Uint8Array {
  const native = (Uint8Array as Base64Ctor).fromBase64;
  if (typeof native === 'function') return native(base64);
  if (nodeBuffer) {
    const b = nodeBuffer.from(base64, 'base64');
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  }
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function encodeWire(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof Uint8Array) return { [BYTES_KEY]: bytesToBase64(v) };
    return v;
  });
}

export function decodeWire(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const record = v as Record<string, unknown>;
      const keys = Object.keys(record);
      if (keys.length === 1 && keys[0] === BYTES_KEY && typeof record[BYTES_KEY] === 'string') {
        return base64ToBytes(record[BYTES_KEY]);
      }
    }
    return v;
  });
}
