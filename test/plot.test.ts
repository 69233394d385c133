import { describe, expect, it } from 'vitest';
import { ratePlotSvg } from '../src/plot.js';

const rows = [
  { dataset: 'binarized MNIST', codec: '-ELBO', bits_per_dim: 0.19, encode_img_per_s: null },
  { dataset: 'binarized MNIST', codec: 'BB-ANS', bits_per_dim: 0.19, encode_img_per_s: 900 },
  { dataset: 'binarized MNIST', codec: 'gzip -9', bits_per_dim: 0.33, encode_img_per_s: 40000 },
  { dataset: 'binarized MNIST', codec: 'PNG', bits_per_dim: 0.78, encode_img_per_s: 6000 },
  { dataset: 'MNIST 8-bit', codec: 'never drawn', bits_per_dim: 1.39, encode_img_per_s: null },
  { dataset: 'MNIST 8-bit', codec: 'BB-ANS', bits_per_dim: 1.41, encode_img_per_s: 700 },
  { dataset: 'MNIST 8-bit', codec: 'JPEG XL <tiled> & "friends"', bits_per_dim: 1.11, encode_img_per_s: 40 },
];

describe('ratePlotSvg', () => {
  const svg = ratePlotSvg(rows);

  it('is one SVG document with a size', () => {
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg.match(/<svg/g)).toHaveLength(1);
    expect(svg).toMatch(/^<svg[^>]* width="\d+" height="\d+"/);
  });

  it('draws one labelled point per row with an encode speed, one panel per dataset', () => {
    expect(svg.match(/<circle/g)).toHaveLength(5);
    for (const codec of ['BB-ANS', 'gzip -9', 'PNG']) expect(svg).toContain(`>${codec}</text>`);
    expect(svg).toContain('>binarized MNIST</text>');
    expect(svg).toContain('>MNIST 8-bit</text>');
  });

  it('skips rows without an encode speed', () => {
    expect(svg).not.toContain('-ELBO');
    expect(svg).not.toContain('never drawn');
  });

  it('escapes XML special characters in labels', () => {
    expect(svg).toContain('JPEG XL &lt;tiled&gt; &amp; &quot;friends&quot;');
    expect(svg).not.toContain('<tiled>');
    expect(svg).not.toMatch(/&(?!amp;|lt;|gt;|quot;|apos;)/);
  });

  it('still gives an SVG when nothing can be drawn', () => {
    const empty = ratePlotSvg([{ dataset: 'd', codec: '-ELBO', bits_per_dim: 1, encode_img_per_s: null }]);
    expect(empty.startsWith('<svg')).toBe(true);
    expect(empty).not.toContain('<circle');
  });
});
