import type { EditOutcome } from '../edit-model';
import { distanceBelow, printDistance, SAME_PICTURE_BELOW, VISIBLE_CHANGE_ABOVE, type PicturePrint } from './picture-print';

/**
 * Enough for a long demo's stills and clips; the oldest are forgotten first beyond it. Counted
 * in prints (12 KB each), since a clip's record holds one or two for each of its frames.
 */
const MAX_REMEMBERED_PRINTS = 4_000;

/** One moment of an edit: its source's picture and its own. A still has one; a clip one per frame. */
export interface EditFrame {
  sourcePrint: PicturePrint;
  editPrint: PicturePrint;
}

/** An edit the simulator rendered: its source's picture and its own, frame by frame, and what it did. */
export interface EditRecord {
  frames: EditFrame[];
  outcome: EditOutcome;
}

interface JudgedEntry {
  prints: PicturePrint[];
  trueQuality: number;
}

/**
 * The simulator's own records of its pictures by what survives resizing (picture-print.ts): the
 * edits it rendered, and the assets it judged with their true quality. The product resizes and
 * re-encodes an image, or extracts a clip's frames, before the judge sees them, so the bytes
 * never match a file; the prints do, and tell an edit from its source because the edit's
 * repainted places differ. A clip is its edit when most of the frames shown are the edit's: the
 * product picks its own moments, and a frame that matches nothing (a fade, another picture)
 * does not outvote the rest.
 */
export class PictureMemory {
  private readonly edits: EditRecord[] = [];
  private readonly judged: JudgedEntry[] = [];

  /**
   * Keeps an edit whose change shows in its picture (the frames where it shows, when it shows in
   * most of them); one that does not is judged as its source.
   */
  rememberEdit(record: EditRecord): void {
    const places = changedPlaces(record);
    const shown = record.frames.filter((frame) => printDistance(frame.editPrint, frame.sourcePrint, places) > VISIBLE_CHANGE_ABOVE);
    if (isMost(shown.length, record.frames.length)) remember(this.edits, { ...record, frames: shown }, printsOfEdit);
  }

  /** A judged asset's true quality, by the prints of what the judge was shown: the still, or the clip's frames. */
  rememberJudged(prints: readonly PicturePrint[], trueQuality: number): void {
    if (prints.length > 0) remember(this.judged, { prints: [...prints], trueQuality }, printsOfJudged);
  }

  /**
   * The edit these pictures show: the edit most of whose frames are among them, each matched to
   * its nearest frame of the edit, where the changed places look like the edit's and not like its
   * source's. Ties go to the nearer edit.
   */
  editShown(prints: readonly PicturePrint[]): EditRecord | undefined {
    let best: { record: EditRecord; matched: number; distance: number } | undefined;
    for (const record of this.edits) {
      const places = changedPlaces(record);
      let matched = 0;
      let distance = 0;
      for (const print of prints) {
        const nearest = nearestOf(print, record.frames, (frame) => frame.editPrint);
        if (nearest === undefined) continue;
        const frame = nearest.item;
        if (printDistance(print, frame.editPrint, places) >= printDistance(print, frame.sourcePrint, places)) continue;
        matched += 1;
        distance += nearest.distance;
      }
      if (!isMost(matched, prints.length)) continue;
      if (best === undefined || matched > best.matched || (matched === best.matched && distance < best.distance)) best = { record, matched, distance };
    }
    return best?.record;
  }

  /**
   * The true quality found for the judged asset whose pictures are these: the still, or a clip
   * most of whose judged frames are among these frames (the moments the judge was shown are a
   * few of a clip's); the nearest when several are. Judgments nearer than a visible change are of
   * the same picture (its other views, or the same asked again), and the newest of them stands.
   */
  judgedTruthOf(prints: readonly PicturePrint[]): number | undefined {
    let best: number | undefined;
    let bestDistance = Number.POSITIVE_INFINITY;
    for (const entry of [...this.judged].reverse()) {
      let matched = 0;
      let distance = 0;
      for (const print of entry.prints) {
        const nearest = nearestOf(print, prints, (candidate) => candidate);
        if (nearest === undefined) continue;
        matched += 1;
        distance += nearest.distance;
      }
      if (!isMost(matched, entry.prints.length)) continue;
      const mean = Math.max(VISIBLE_CHANGE_ABOVE, distance / matched);
      if (mean < bestDistance) {
        best = entry.trueQuality;
        bestDistance = mean;
      }
    }
    return best;
  }

  clear(): void {
    this.edits.length = 0;
    this.judged.length = 0;
  }
}

/** The item whose print is nearest this one, if any is the same picture. */
function nearestOf<T>(print: PicturePrint, items: readonly T[], printOf: (item: T) => PicturePrint): { item: T; distance: number } | undefined {
  let best: { item: T; distance: number } | undefined;
  for (const item of items) {
    const distance = distanceBelow(print, printOf(item), best?.distance ?? SAME_PICTURE_BELOW);
    if (distance !== undefined) best = { item, distance };
  }
  return best;
}

/** More than half: one frame of one, three of four. */
function isMost(part: number, whole: number): boolean {
  return whole > 0 && part * 2 > whole;
}

function changedPlaces(record: Pick<EditRecord, 'outcome'>) {
  return [...record.outcome.fixed, ...(record.outcome.damaged ? [record.outcome.damaged] : [])];
}

function printsOfEdit(record: EditRecord): number {
  return record.frames.length * 2;
}

function printsOfJudged(entry: JudgedEntry): number {
  return entry.prints.length;
}

/** Adds an entry, forgetting the oldest while the list holds more prints than the bound. */
function remember<T>(list: T[], entry: T, printsOf: (item: T) => number): void {
  list.push(entry);
  let total = list.reduce((sum, item) => sum + printsOf(item), 0);
  while (total > MAX_REMEMBERED_PRINTS && list.length > 1) total -= printsOf(list.shift() as T);
}
