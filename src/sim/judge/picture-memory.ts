import type { EditOutcome } from '../edit-model';
import { printDistance, SAME_PICTURE_BELOW, VISIBLE_CHANGE_ABOVE, type PicturePrint } from './picture-print';

/** Enough for a long demo's stills; the oldest are forgotten first beyond it. */
const MAX_REMEMBERED_PICTURES = 2_000;

/** An edit the simulator rendered: its source's picture, its own, and what it did. */
export interface EditRecord {
  sourcePrint: PicturePrint;
  editPrint: PicturePrint;
  outcome: EditOutcome;
}

/**
 * The simulator's own records of its pictures by what survives resizing (picture-print.ts): the
 * edits it rendered, and the still images it judged with their true quality. The product resizes
 * and re-encodes an image before the judge sees it, so the bytes never match a file; the print
 * does, and tells an edit from its source because the edit's repainted places differ.
 */
export class PictureMemory {
  private readonly edits: EditRecord[] = [];
  private readonly judged: { print: PicturePrint; trueQuality: number }[] = [];

  /** Keeps an edit whose change shows in its picture; one that does not is judged as its source. */
  rememberEdit(record: EditRecord): void {
    if (printDistance(record.editPrint, record.sourcePrint, changedPlaces(record)) > VISIBLE_CHANGE_ABOVE) remember(this.edits, record);
  }

  rememberJudged(print: PicturePrint, trueQuality: number): void {
    remember(this.judged, { print, trueQuality });
  }

  /**
   * The edit this picture is: the nearest edit whose changed places look like the edit's and
   * not like its source's.
   */
  editShown(print: PicturePrint): EditRecord | undefined {
    let best: EditRecord | undefined;
    let bestDistance = SAME_PICTURE_BELOW;
    for (const record of this.edits) {
      const distance = printDistance(print, record.editPrint);
      if (distance >= bestDistance) continue;
      const places = changedPlaces(record);
      if (printDistance(print, record.editPrint, places) < printDistance(print, record.sourcePrint, places)) {
        best = record;
        bestDistance = distance;
      }
    }
    return best;
  }

  /** The true quality found for the judged picture nearest this one, if any is the same picture. */
  judgedTruthOf(print: PicturePrint): number | undefined {
    let best: number | undefined;
    let bestDistance = SAME_PICTURE_BELOW;
    for (const entry of this.judged) {
      const distance = printDistance(print, entry.print);
      if (distance < bestDistance) {
        best = entry.trueQuality;
        bestDistance = distance;
      }
    }
    return best;
  }

  clear(): void {
    this.edits.length = 0;
    this.judged.length = 0;
  }
}

function changedPlaces(record: EditRecord) {
  return [...record.outcome.fixed, ...(record.outcome.damaged ? [record.outcome.damaged] : [])];
}

function remember<T>(list: T[], entry: T): void {
  list.push(entry);
  if (list.length > MAX_REMEMBERED_PICTURES) list.shift();
}
