import sharp from 'sharp';
import type { ProviderName } from '../../domain/provider';
import type { PromptLook } from './prompt-look';
import { paintMark } from './provider-mark';
import type { EditPatch } from './media-cache';
import { mulberry32 } from '../seeded-random';

type Rgb = [number, number, number];

const NEUTRAL_TOP: Rgb = [178, 176, 170];
const NEUTRAL_BOTTOM: Rgb = [108, 106, 100];
const WARM_TOP: Rgb = [246, 192, 122];
const WARM_BOTTOM: Rgb = [150, 96, 52];
const COOL_TOP: Rgb = [150, 176, 216];
const COOL_BOTTOM: Rgb = [66, 82, 108];
const NEON_ACCENTS: Rgb[] = [
  [255, 40, 200],
  [40, 230, 255],
];

interface Subject {
  cx: number;
  cy: number;
  rx: number;
  ry: number;
  color: Rgb;
  /** Stripe direction and period: fine texture that a blur visibly removes. */
  angle: number;
  period: number;
}

/**
 * A PNG that follows the look: palette from warmth, detail from sharpness, exposure from
 * brightness. With `mark`, the provider's strip is painted on top after the blur, sharp-edged
 * (src/sim/media/provider-mark.ts).
 */
export async function renderStillPng(look: PromptLook, width: number, height: number, mark?: ProviderName, patches: readonly EditPatch[] = []): Promise<Buffer> {
  const raw = paintPixels(look, width, height);
  let image = sharp(raw, { raw: { width, height, channels: 3 } });
  const sigma = blurSigma(look.sharpness);
  if (sigma !== undefined) image = image.blur(sigma);
  if (mark === undefined && patches.length === 0) return image.png({ compressionLevel: 6 }).toBuffer();
  const blurred = await image.raw().toBuffer();
  for (const patch of patches) paintPatch(blurred, width, height, patch);
  if (mark !== undefined) paintMark(blurred, width, height, mark);
  return sharp(blurred, { raw: { width, height, channels: 3 } }).png({ compressionLevel: 6 }).toBuffer();
}

/** How far a fixed box's mean colour is lifted towards white. */
const FIXED_LIFT = 1 / 3;

/**
 * An edit's change, visible in the pixels: a fixed defect's box is repainted with its own mean
 * colour, lifted a third of the way to white (the clutter there cleaned away, and the clean patch
 * shows even over a smooth sky, where the mean alone would not, so the judge and the page see
 * it); a damaged one gets a harsh magenta block.
 */
function paintPatch(pixels: Buffer, width: number, height: number, patch: EditPatch): void {
  const left = Math.floor(patch.area.x * width);
  const top = Math.floor(patch.area.y * height);
  const right = Math.min(width, Math.ceil((patch.area.x + patch.area.w) * width));
  const bottom = Math.min(height, Math.ceil((patch.area.y + patch.area.h) * height));
  if (right <= left || bottom <= top) return;
  const sum = [0, 0, 0];
  for (let y = top; y < bottom; y++) for (let x = left; x < right; x++) for (let c = 0; c < 3; c++) sum[c] += pixels[(y * width + x) * 3 + c];
  const count = (right - left) * (bottom - top);
  const fill = patch.change === 'fixed' ? sum.map((total) => Math.round(total / count + (255 - total / count) * FIXED_LIFT)) : [230, 20, 200];
  for (let y = top; y < bottom; y++) for (let x = left; x < right; x++) for (let c = 0; c < 3; c++) pixels[(y * width + x) * 3 + c] = fill[c];
}

/** Soft prompts get a visible blur; prompts asking for crisp detail get none. */
function blurSigma(sharpness: number): number | undefined {
  const sigma = 0.3 + (1 - sharpness) * 2.2;
  return sigma < 0.6 ? undefined : sigma;
}

function paintPixels(look: PromptLook, width: number, height: number): Buffer {
  const random = mulberry32(look.seed);
  const top = jitter(palette(look.warmth, NEUTRAL_TOP, WARM_TOP, COOL_TOP), random);
  const bottom = jitter(palette(look.warmth, NEUTRAL_BOTTOM, WARM_BOTTOM, COOL_BOTTOM), random);
  const subjects = placeSubjects(look, width, height, top, random);
  const exposure = look.brightness < 0 ? 1 + 0.72 * look.brightness : 1 + 0.18 * look.brightness;
  const pixels = Buffer.alloc(width * height * 3);
  const noiseSeed = look.seed >>> 0;

  for (let y = 0; y < height; y++) {
    const t = y / Math.max(1, height - 1);
    for (let x = 0; x < width; x++) {
      let r = top[0] + (bottom[0] - top[0]) * t;
      let g = top[1] + (bottom[1] - top[1]) * t;
      let b = top[2] + (bottom[2] - top[2]) * t;
      for (const subject of subjects) {
        const dx = (x - subject.cx) / subject.rx;
        const dy = (y - subject.cy) / subject.ry;
        const distance = dx * dx + dy * dy;
        if (distance >= 1) continue;
        const edge = Math.min(1, (1 - distance) * 6);
        const along = x * Math.cos(subject.angle) + y * Math.sin(subject.angle);
        const stripe = 22 * Math.sin((along / subject.period) * Math.PI * 2);
        r += (subject.color[0] + stripe - r) * edge;
        g += (subject.color[1] + stripe - g) * edge;
        b += (subject.color[2] + stripe - b) * edge;
      }
      const grain = (hash2(x, y, noiseSeed) - 0.5) * 18;
      const offset = (y * width + x) * 3;
      pixels[offset] = toByte((r + grain) * exposure);
      pixels[offset + 1] = toByte((g + grain) * exposure);
      pixels[offset + 2] = toByte((b + grain) * exposure);
    }
  }
  return pixels;
}

function placeSubjects(look: PromptLook, width: number, height: number, top: Rgb, random: () => number): Subject[] {
  const count = 1 + Math.round(look.clutter * 7);
  const short = Math.min(width, height);
  const subjects: Subject[] = [];
  for (let index = 0; index < count; index++) {
    const main = index === 0;
    const size = main ? short * (0.26 + 0.08 * random()) : short * (0.06 + 0.12 * random());
    subjects.push({
      cx: main ? width * (0.4 + 0.2 * random()) : width * random(),
      cy: main ? height * (0.45 + 0.15 * random()) : height * random(),
      rx: size * (0.8 + 0.5 * random()),
      ry: size * (0.8 + 0.5 * random()),
      color: look.neon && !main ? NEON_ACCENTS[index % NEON_ACCENTS.length] : accent(top, random),
      angle: random() * Math.PI,
      period: 3 + random() * 3,
    });
  }
  // Smaller shapes first so the main subject is painted on top and stays whole.
  return subjects.reverse();
}

function palette(warmth: number, neutral: Rgb, warm: Rgb, cool: Rgb): Rgb {
  const target = warmth >= 0 ? warm : cool;
  const amount = Math.abs(warmth);
  return [0, 1, 2].map((channel) => neutral[channel] + (target[channel] - neutral[channel]) * amount) as Rgb;
}

/** A darker, richer variant of the sky colour, so subjects stand out but keep the palette. */
function accent(base: Rgb, random: () => number): Rgb {
  const shade = 0.45 + 0.25 * random();
  return base.map((channel) => channel * shade + 20 * (random() - 0.5)) as Rgb;
}

function jitter(color: Rgb, random: () => number): Rgb {
  return color.map((channel) => channel + (random() - 0.5) * 16) as Rgb;
}

function toByte(value: number): number {
  return value <= 0 ? 0 : value >= 255 ? 255 : Math.round(value);
}

/** Deterministic per-pixel grain: the same prompt always gives the same bytes. */
function hash2(x: number, y: number, seed: number): number {
  let h = Math.imul(x, 374761393) ^ Math.imul(y, 668265263) ^ seed;
  h = Math.imul(h ^ (h >>> 13), 1274126177);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}
