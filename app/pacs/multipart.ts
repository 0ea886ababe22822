// multipart/related bodies, as DICOMweb sends instances (WADO-RS) and receives them (STOW-RS): RFC 2387 parts,
// each with its own headers, separated by a boundary the Content-Type names.

const CRLF = Buffer.from('\r\n');

/** The boundary a multipart Content-Type names, or null when it names none. */
export function boundaryOf(contentType: string | null): string | null {
  const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '');
  return match ? (match[1] ?? match[2] ?? null) : null;
}

/** The bodies of the parts, in order (their headers read and dropped). */
export function parseMultipart(body: Uint8Array, boundary: string): Uint8Array[] {
  const data = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Uint8Array[] = [];
  let at = data.indexOf(delimiter);
  while (at !== -1) {
    const afterDelimiter = at + delimiter.length;
    // "--" after a delimiter closes the body.
    if (data[afterDelimiter] === 0x2d && data[afterDelimiter + 1] === 0x2d) break;
    const headersEnd = data.indexOf('\r\n\r\n', afterDelimiter);
    if (headersEnd === -1) break;
    const next = data.indexOf(Buffer.concat([CRLF, delimiter]), headersEnd + 4);
    if (next === -1) break;
    parts.push(new Uint8Array(data.subarray(headersEnd + 4, next)));
    at = next + CRLF.length;
  }
  return parts;
}

/** A multipart/related body of parts of one type, and its Content-Type header. */
export function buildMultipart(
  parts: readonly Uint8Array[],
  type: string,
  boundary: string,
): { body: Buffer; contentType: string } {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Type: ${type}\r\n\r\n`));
    chunks.push(Buffer.from(part.buffer, part.byteOffset, part.byteLength));
    chunks.push(CRLF);
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    body: Buffer.concat(chunks),
    contentType: `multipart/related; type="${type}"; boundary=${boundary}`,
  };
}
