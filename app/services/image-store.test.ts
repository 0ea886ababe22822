import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../test-helpers.ts';
import { ImageStore, sha256Hex } from './image-store.ts';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

describe('ImageStore', () => {
  it('stores content by SHA-256 once, leaving no temporary files', async () => {
    const tmp = tempDir();
    cleanups.push(tmp.remove);
    const store = new ImageStore(tmp.dir);
    const bytes = new TextEncoder().encode('fundus');
    const first = await store.put(bytes);
    const second = await store.put(bytes);
    expect(first).toEqual({ sha256: sha256Hex(bytes), created: true });
    expect(second.created).toBe(false);
    expect(await store.get(first.sha256)).toEqual(bytes);
    const folder = path.join(tmp.dir, first.sha256.slice(0, 2));
    expect(readdirSync(folder)).toEqual([first.sha256]);
  });

  it('refuses anything that is not a digest, so no path can be smuggled in', () => {
    const store = new ImageStore('/tmp/x');
    expect(() => store.pathFor('../../etc/passwd')).toThrowError(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
  });

  it('reports a missing file as NOT_FOUND', async () => {
    const tmp = tempDir();
    cleanups.push(tmp.remove);
    await expect(new ImageStore(tmp.dir).get('a'.repeat(64))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
