// Photographs that are not gradable fundus images, made on the fly for the quality gate's tests and report.
import sharp from 'sharp';

export async function solidImage(
  width: number,
  height: number,
  rgb: [number, number, number],
): Promise<Uint8Array> {
  const [r, g, b] = rgb;
  return new Uint8Array(
    await sharp({ create: { width, height, channels: 3, background: { r, g, b } } })
      .jpeg()
      .toBuffer(),
  );
}

/** Seeded uniform noise, so tests see the same "photograph" every run. */
export async function noiseImage(width: number, height: number, seed = 1): Promise<Uint8Array> {
  const data = new Uint8Array(width * height * 3);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < data.length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    data[i] = (state >>> 0) & 0xff;
  }
  return new Uint8Array(
    await sharp(data, { raw: { width, height, channels: 3 } })
      .jpeg()
      .toBuffer(),
  );
}

/** A page of "text": dark word-shaped bars in lines on white paper (no fonts needed). */
export async function textPageImage(width: number, height: number): Promise<Uint8Array> {
  const words: string[] = [];
  let seed = 7;
  for (let y = 60; y < height - 60; y += 36) {
    for (let x = 60; x < width - 120;) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      const w = 30 + (seed % 90);
      words.push(`<rect x="${x}" y="${y}" width="${w}" height="18" fill="#222"/>`);
      x += w + 14;
    }
  }
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="#f4f2ea"/>${words.join('')}</svg>`;
  return new Uint8Array(await sharp(Buffer.from(svg)).jpeg().toBuffer());
}

export async function blurred(bytes: Uint8Array, sigmaFractionOfWidth: number): Promise<Uint8Array> {
  const { width = 1000 } = await sharp(bytes).metadata();
  return new Uint8Array(
    await sharp(bytes)
      .blur(Math.max(0.3, width * sigmaFractionOfWidth))
      .jpeg({ quality: 92 })
      .toBuffer(),
  );
}

export async function darkened(bytes: Uint8Array, factor: number): Promise<Uint8Array> {
  return new Uint8Array(await sharp(bytes).linear(factor, 0).jpeg({ quality: 92 }).toBuffer());
}

/**
 * A photograph with part of the retina in shadow, as an eyelid or a small pupil leaves it: the frame dimmed by
 * `factor`, and a shadow that deepens from `from` (a fraction of the height) to nearly black (×0.03) a tenth of
 * the height further down, and stays so to the bottom.
 */
export async function partlyObscured(bytes: Uint8Array, factor: number, from = 0.5): Promise<Uint8Array> {
  const { data, info } = await sharp(bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const { width, height, channels } = info;
  for (let y = 0; y < height; y++) {
    const t = Math.min(1, Math.max(0, (y / height - from) / 0.1));
    const gain = factor * (1 - t * 0.97);
    for (let i = y * width * channels; i < (y + 1) * width * channels; i++)
      data[i] = Math.round(data[i]! * gain);
  }
  return new Uint8Array(
    await sharp(data, { raw: { width, height, channels } }).jpeg({ quality: 92 }).toBuffer(),
  );
}
