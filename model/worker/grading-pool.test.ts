import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeModelDir } from '../inference/model-paths.ts';
import { original } from '../testing/test-images.ts';
import { GradingPool } from './grading-pool.ts';

let pool: GradingPool;
beforeAll(async () => {
  pool = await GradingPool.start({ modelDir: activeModelDir(), size: 1 });
});
afterAll(() => pool.close());

describe('GradingPool', () => {
  it('grades a real photograph off the main thread and records model and backend', async () => {
    const graded = await pool.grade(original('16_left.jpeg'));
    expect(graded.quality.gradable).toBe(true);
    expect(graded.grade).toBeGreaterThanOrEqual(0);
    expect(graded.grade).toBeLessThanOrEqual(4);
    expect(graded.probabilities).toHaveLength(5);
    expect(graded.referableProbability).toBeCloseTo(
      graded.probabilities!.slice(2).reduce((a, b) => a + b, 0),
      6,
    );
    expect(graded.model).toEqual(pool.model);
    // ONNX Runtime by default, with nothing to explain; the result names it.
    expect(pool.backend).toBe('onnxruntime');
    expect(pool.engineNote).toBeNull();
    expect(graded.backend).toBe(pool.backend);
    expect(graded.previewPng.byteLength).toBeGreaterThan(1000);
  });

  it('rejects a bad file with its code and keeps working', async () => {
    await expect(pool.grade(new TextEncoder().encode('not an image'))).rejects.toMatchObject({
      code: 'IMAGE_UNREADABLE',
    });
    expect((await pool.grade(original('178_left.jpeg'))).probabilities).toHaveLength(5);
  });

  it('never grades an ungradable photograph', async () => {
    const black = new Uint8Array(
      await (
        await import('sharp')
      )
        .default({ create: { width: 400, height: 300, channels: 3, background: '#000' } })
        .png()
        .toBuffer(),
    );
    const graded = await pool.grade(black);
    expect(graded).toMatchObject({
      quality: { gradable: false },
      grade: null,
      probabilities: null,
      referableProbability: null,
    });
  });

  it('runs tfjs-wasm when asked, with the same grade', async () => {
    const wasm = await GradingPool.start({ modelDir: activeModelDir(), size: 1, engine: 'wasm' });
    try {
      const a = await pool.grade(original('16_left.jpeg'));
      const b = await wasm.grade(original('16_left.jpeg'));
      expect(b.backend).toBe('wasm');
      expect(b.grade).toBe(a.grade);
      expect(Math.abs(b.referableProbability! - a.referableProbability!)).toBeLessThan(1e-4);
    } finally {
      await wasm.close();
    }
  });

  it('fails start-up with the reason when the model folder is wrong', async () => {
    await expect(GradingPool.start({ modelDir: '/nonexistent/model' })).rejects.toThrow(
      /ENOENT|no such file/,
    );
  });
});
