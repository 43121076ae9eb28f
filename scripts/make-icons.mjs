#!/usr/bin/env node
/**
 * Draws the tray and app icons into assets/ as PNGs, with no image library: shapes are
 * signed-distance tests, anti-aliased by 4x4 supersampling, written with zlib.
 * Run `node scripts/make-icons.mjs` after changing a colour or a shape; the PNGs are
 * committed so neither a build nor a test needs this script.
 *
 * The mark is a plus in a disc: "something appended". Running = filled green disc,
 * stopped = grey ring. macOS template variants are black + alpha only (the menu bar
 * recolours them), named `*Template.png` so Electron treats them as templates; `@2x`
 * files are picked up automatically on high-DPI screens.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'assets');

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** rgba: Uint8Array of size*size*4, straight (non-premultiplied) alpha. */
function encodePng(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    Buffer.from(rgba.buffer, y * size * 4, size * 4).copy(raw, y * (size * 4 + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// Shapes in unit coordinates (0..1 across the icon).
const inDisc = (x, y, r) => (x - 0.5) ** 2 + (y - 0.5) ** 2 <= r * r;
const inRing = (x, y, outer, inner) => inDisc(x, y, outer) && !inDisc(x, y, inner);
const inPlus = (x, y, arm, half) =>
  (Math.abs(x - 0.5) <= half && Math.abs(y - 0.5) <= arm) || (Math.abs(y - 0.5) <= half && Math.abs(x - 0.5) <= arm);

/** paint(x, y) returns [r, g, b, a] (0..255) or null for transparent, per sample. */
function render(size, paint) {
  const SS = 4;
  const out = new Uint8Array(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < SS; sy++) {
        for (let sx = 0; sx < SS; sx++) {
          const c = paint((px + (sx + 0.5) / SS) / size, (py + (sy + 0.5) / SS) / size);
          if (!c) continue;
          const ca = c[3] / 255;
          r += c[0] * ca;
          g += c[1] * ca;
          b += c[2] * ca;
          a += ca;
        }
      }
      const i = (py * size + px) * 4;
      if (a > 0) {
        out[i] = Math.round(r / a);
        out[i + 1] = Math.round(g / a);
        out[i + 2] = Math.round(b / a);
      }
      out[i + 3] = Math.round((a / (SS * SS)) * 255);
    }
  }
  return out;
}

const GREEN = [34, 160, 90, 255];
const GREY = [128, 128, 128, 255];
const WHITE = [255, 255, 255, 255];
const BLACK = [0, 0, 0, 255];

const painters = {
  running: (x, y) => (inDisc(x, y, 0.46) ? (inPlus(x, y, 0.26, 0.07) ? WHITE : GREEN) : null),
  stopped: (x, y) => (inRing(x, y, 0.46, 0.36) || inPlus(x, y, 0.22, 0.07) ? GREY : null),
  // Templates: the plus is cut out of the disc so the icon reads on any menu bar colour.
  runningTemplate: (x, y) => (inDisc(x, y, 0.46) && !inPlus(x, y, 0.26, 0.08) ? BLACK : null),
  stoppedTemplate: (x, y) => (inRing(x, y, 0.46, 0.36) || inPlus(x, y, 0.22, 0.07) ? BLACK : null),
  app: (x, y) => {
    // Rounded square background, then the running mark.
    const m = 0.06, rad = 0.2;
    const dx = Math.max(m + rad - x, 0, x - (1 - m - rad));
    const dy = Math.max(m + rad - y, 0, y - (1 - m - rad));
    if (dx * dx + dy * dy > rad * rad) return null;
    if (inPlus(x, y, 0.26, 0.075)) return WHITE;
    return inDisc(x, y, 0.38) ? GREEN : [30, 34, 40, 255];
  },
};

const files = [];
for (const state of ['running', 'stopped']) {
  files.push([`tray-${state}.png`, 16, painters[state]]);
  files.push([`tray-${state}@2x.png`, 32, painters[state]]);
  files.push([`tray-${state}Template.png`, 16, painters[`${state}Template`]]);
  files.push([`tray-${state}Template@2x.png`, 32, painters[`${state}Template`]]);
}
files.push(['icon.png', 512, painters.app]);

mkdirSync(OUT, { recursive: true });
for (const [name, size, paint] of files) {
  const png = encodePng(size, render(size, paint));
  writeFileSync(join(OUT, name), png);
  console.log(`${name}: ${size}x${size}, ${png.length} bytes`);
}
