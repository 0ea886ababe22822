import { describe, expect, it, vi } from 'vitest';
import { decodeWire, encodeWire } from './wire.ts';

describe('wire encoding', () => {
  it('round-trips byte arrays inside JSON, large ones included', () => {
    const bytes = new Uint8Array(200_000).map((_, i) => (i * 31) % 256);
    const decoded = decodeWire(encodeWire({ a: 1, nested: { bytes }, list: [new Uint8Array([1, 2])] })) as {
      nested: { bytes: Uint8Array };
      list: Uint8Array[];
    };
    expect(decoded.nested.bytes).toEqual(bytes);
    expect(decoded.list[0]).toEqual(new Uint8Array([1, 2]));
  });

  it('leaves ordinary objects that merely look similar alone', () => {
    expect(decodeWire('{"$bytes": 5}')).toEqual({ $bytes: 5 });
    expect(decodeWire('{"$bytes": "AA==", "x": 1}')).toEqual({ $bytes: 'AA==', x: 1 });
  });
});

describe('wire encoding in a browser without Buffer or Uint8Array#toBase64', () => {
  it('gives the same text as in Node', async () => {
    const bytes = new Uint8Array(100_000).map((_, i) => (i * 7) % 256);
    const inNode = encodeWire({ bytes });
    vi.resetModules();
    vi.stubGlobal('Buffer', undefined);
    try {
      const browser = await import('./wire.ts');
      expect(browser.encodeWire({ bytes })).toBe(inNode);
      expect((browser.decodeWire(inNode) as { bytes: Uint8Array }).bytes).toEqual(bytes);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
