import { PNG } from 'pngjs';

/** A colour as red, green, blue in 0…255. */
export type Rgb = readonly [number, number, number];

export const WHITE: Rgb = [255, 255, 255];
export const BLACK: Rgb = [0, 0, 0];

/** `#f59322` → [245, 147, 34]. */
export function hex(code: string): Rgb {
  const n = Number.parseInt(code.replace('#', ''), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** Linear mix from `a` (t = 0) to `b` (t = 1). */
export function mix(a: Rgb, b: Rgb, t: number): Rgb {
  const u = Math.min(1, Math.max(0, t));
  return [a[0] + (b[0] - a[0]) * u, a[1] + (b[1] - a[1]) * u, a[2] + (b[2] - a[2]) * u];
}

/**
 * A tiny RGBA raster with the few primitives the plots need: pixels with alpha blending, filled
 * rectangles, anti-aliased circles, rings and thick lines, and a 5×7 bitmap font.
 */
export class Canvas {
  /** RGBA bytes, row-major, 4 per pixel. */
  readonly data: Buffer;

  constructor(
    readonly width: number,
    readonly height: number,
    background: Rgb = WHITE,
  ) {
    this.data = Buffer.alloc(width * height * 4);
    this.fillRect(0, 0, width, height, background);
  }

  /** Blends `color` over pixel (x, y) with opacity `alpha` (pixels outside are ignored). */
  blend(x: number, y: number, color: Rgb, alpha = 1): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height || alpha <= 0) return;
    const i = (y * this.width + x) * 4;
    const a = Math.min(1, alpha);
    for (let c = 0; c < 3; c++) {
      const old = this.data[i + c] ?? 0;
      this.data[i + c] = Math.round(old + ((color[c] ?? 0) - old) * a);
    }
    this.data[i + 3] = 255;
  }

  fillRect(x0: number, y0: number, w: number, h: number, color: Rgb, alpha = 1): void {
    for (let y = Math.max(0, Math.floor(y0)); y < Math.min(this.height, Math.ceil(y0 + h)); y++) {
      for (let x = Math.max(0, Math.floor(x0)); x < Math.min(this.width, Math.ceil(x0 + w)); x++) this.blend(x, y, color, alpha);
    }
  }

  /** Calls `coverage(px, py)` (0…1) for every pixel in a box and blends `color` by it. */
  private shade(x0: number, y0: number, x1: number, y1: number, color: Rgb, coverage: (x: number, y: number) => number): void {
    for (let y = Math.max(0, Math.floor(y0)); y <= Math.min(this.height - 1, Math.ceil(y1)); y++) {
      for (let x = Math.max(0, Math.floor(x0)); x <= Math.min(this.width - 1, Math.ceil(x1)); x++) {
        this.blend(x, y, color, coverage(x + 0.5, y + 0.5));
      }
    }
  }

  fillCircle(cx: number, cy: number, radius: number, color: Rgb): void {
    this.shade(cx - radius - 1, cy - radius - 1, cx + radius + 1, cy + radius + 1, color, (x, y) =>
      Math.min(1, Math.max(0, radius + 0.5 - Math.hypot(x - cx, y - cy))),
    );
  }

  /** A ring of `thickness` pixels centred on the circle of `radius`. */
  strokeCircle(cx: number, cy: number, radius: number, thickness: number, color: Rgb): void {
    const half = thickness / 2;
    this.shade(cx - radius - half - 1, cy - radius - half - 1, cx + radius + half + 1, cy + radius + half + 1, color, (x, y) =>
      Math.min(1, Math.max(0, half + 0.5 - Math.abs(Math.hypot(x - cx, y - cy) - radius))),
    );
  }

  /** A straight segment `thickness` pixels wide with anti-aliased edges. */
  line(x0: number, y0: number, x1: number, y1: number, color: Rgb, thickness = 1): void {
    const half = thickness / 2;
    const dx = x1 - x0;
    const dy = y1 - y0;
    const length2 = dx * dx + dy * dy;
    this.shade(Math.min(x0, x1) - half - 1, Math.min(y0, y1) - half - 1, Math.max(x0, x1) + half + 1, Math.max(y0, y1) + half + 1, color, (x, y) => {
      const t = length2 === 0 ? 0 : Math.min(1, Math.max(0, ((x - x0) * dx + (y - y0) * dy) / length2));
      const distance = Math.hypot(x - (x0 + t * dx), y - (y0 + t * dy));
      return Math.min(1, Math.max(0, half + 0.5 - distance));
    });
  }

  /** Draws `text` with its top-left corner at (x, y); returns the width drawn. Unknown characters are blank. */
  text(x: number, y: number, text: string, color: Rgb, scale = 1): number {
    let cursor = x;
    for (const char of text) {
      const glyph = FONT[char];
      if (glyph !== undefined) {
        glyph.forEach((row, gy) => {
          for (let gx = 0; gx < row.length; gx++) {
            if (row[gx] === '#') this.fillRect(cursor + gx * scale, y + gy * scale, scale, scale, color);
          }
        });
      }
      cursor += GLYPH_ADVANCE * scale;
    }
    return cursor - x;
  }

  /** The PNG file's bytes. */
  toPng(): Buffer {
    const png = new PNG({ width: this.width, height: this.height });
    this.data.copy(png.data);
    return PNG.sync.write(png);
  }
}

/** Width of `text` in pixels at `scale`. */
export function textWidth(text: string, scale = 1): number {
  return [...text].length * GLYPH_ADVANCE * scale;
}

export const GLYPH_HEIGHT = 7;
const GLYPH_ADVANCE = 6;

/** A 5×7 bitmap font: the digits, a little punctuation and the letters the plots' labels use. */
const FONT: Readonly<Record<string, readonly string[]>> = {
  '0': ['.###.', '#...#', '#..##', '#.#.#', '##..#', '#...#', '.###.'],
  '1': ['..#..', '.##..', '..#..', '..#..', '..#..', '..#..', '.###.'],
  '2': ['.###.', '#...#', '....#', '...#.', '..#..', '.#...', '#####'],
  '3': ['#####', '...#.', '..#..', '...#.', '....#', '#...#', '.###.'],
  '4': ['...#.', '..##.', '.#.#.', '#..#.', '#####', '...#.', '...#.'],
  '5': ['#####', '#....', '####.', '....#', '....#', '#...#', '.###.'],
  '6': ['..##.', '.#...', '#....', '####.', '#...#', '#...#', '.###.'],
  '7': ['#####', '....#', '...#.', '..#..', '.#...', '.#...', '.#...'],
  '8': ['.###.', '#...#', '#...#', '.###.', '#...#', '#...#', '.###.'],
  '9': ['.###.', '#...#', '#...#', '.####', '....#', '...#.', '.##..'],
  '.': ['.....', '.....', '.....', '.....', '.....', '.##..', '.##..'],
  '-': ['.....', '.....', '.....', '#####', '.....', '.....', '.....'],
  '+': ['.....', '..#..', '..#..', '#####', '..#..', '..#..', '.....'],
  a: ['.....', '.....', '.###.', '....#', '.####', '#...#', '.####'],
  c: ['.....', '.....', '.###.', '#....', '#....', '#...#', '.###.'],
  e: ['.....', '.....', '.###.', '#...#', '#####', '#....', '.###.'],
  h: ['#....', '#....', '#.##.', '##..#', '#...#', '#...#', '#...#'],
  i: ['..#..', '.....', '.##..', '..#..', '..#..', '..#..', '.###.'],
  l: ['.##..', '..#..', '..#..', '..#..', '..#..', '..#..', '.###.'],
  n: ['.....', '.....', '#.##.', '##..#', '#...#', '#...#', '#...#'],
  o: ['.....', '.....', '.###.', '#...#', '#...#', '#...#', '.###.'],
  p: ['.....', '.....', '####.', '#...#', '####.', '#....', '#....'],
  r: ['.....', '.....', '#.##.', '##..#', '#....', '#....', '#....'],
  s: ['.....', '.....', '.####', '#....', '.###.', '....#', '####.'],
  t: ['.#...', '.#...', '###..', '.#...', '.#...', '.#..#', '..##.'],
  x: ['.....', '.....', '#...#', '.#.#.', '..#..', '.#.#.', '#...#'],
};
