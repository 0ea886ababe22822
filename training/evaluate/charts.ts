// Small SVG charts for evaluation reports: no dependencies, readable in any browser or the model card.

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

export function rocSvg(
  points: { fpr: number; tpr: number }[],
  title: string,
  operating?: { fpr: number; tpr: number },
): string {
  const size = 320;
  const pad = 40;
  const x = (v: number) => pad + v * (size - 2 * pad);
  const y = (v: number) => size - pad - v * (size - 2 * pad);
  const path = points
    .map((p, i) => `${i ? 'L' : 'M'}${x(p.fpr).toFixed(1)},${y(p.tpr).toFixed(1)}`)
    .join(' ');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${size / 2}" y="16" text-anchor="middle" font-size="12">${esc(title)}</text>`,
    `<rect x="${pad}" y="${pad}" width="${size - 2 * pad}" height="${size - 2 * pad}" fill="none" stroke="#999"/>`,
    `<line x1="${x(0)}" y1="${y(0)}" x2="${x(1)}" y2="${y(1)}" stroke="#ccc" stroke-dasharray="4 3"/>`,
    `<path d="${path}" fill="none" stroke="#0d5c8c" stroke-width="2"/>`,
    operating ? `<circle cx="${x(operating.fpr)}" cy="${y(operating.tpr)}" r="4" fill="#b3261e"/>` : '',
    `<text x="${size / 2}" y="${size - 10}" text-anchor="middle">1 − specificity</text>`,
    `<text x="12" y="${size / 2}" text-anchor="middle" transform="rotate(-90 12 ${size / 2})">sensitivity</text>`,
    `</svg>`,
  ].join('\n');
}

export function confusionSvg(matrix: number[][], title: string): string {
  const cell = 44;
  const left = 70;
  const top = 50;
  const n = matrix.length;
  const max = Math.max(1, ...matrix.flat());
  const cells = matrix.flatMap((row, i) =>
    row.map((v, j) => {
      const shade = Math.round(255 - (v / max) * 180);
      return (
        `<rect x="${left + j * cell}" y="${top + i * cell}" width="${cell}" height="${cell}" fill="rgb(${shade},${shade},255)" stroke="#fff"/>` +
        `<text x="${left + j * cell + cell / 2}" y="${top + i * cell + cell / 2 + 4}" text-anchor="middle">${v}</text>`
      );
    }),
  );
  const labels = Array.from({ length: n }, (_, k) => [
    `<text x="${left + k * cell + cell / 2}" y="${top - 6}" text-anchor="middle">${k}</text>`,
    `<text x="${left - 8}" y="${top + k * cell + cell / 2 + 4}" text-anchor="end">${k}</text>`,
  ]).flat();
  const w = left + n * cell + 20;
  const h = top + n * cell + 30;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${w / 2}" y="16" text-anchor="middle" font-size="12">${esc(title)}</text>`,
    `<text x="${left + (n * cell) / 2}" y="32" text-anchor="middle">predicted grade</text>`,
    `<text x="14" y="${top + (n * cell) / 2}" text-anchor="middle" transform="rotate(-90 14 ${top + (n * cell) / 2})">true grade</text>`,
    ...cells,
    ...labels,
    `</svg>`,
  ].join('\n');
}
