/** One run of a prompt compared with the one before it. */
export interface PromptSegment {
  text: string;
  change: 'same' | 'added' | 'removed';
}

// Word-level tokens, punctuation on its own, whitespace kept, so the pieces join back exactly.
const TOKEN = /\s+|[\p{L}\p{N}'’/-]+|[^\s\p{L}\p{N}]/gu;

/** Past this many token pairs the comparison is not worth its cost: the prompt shows as all new. */
const MAX_CELLS = 1_000_000;

/**
 * What changed from `previous` to `current`, word by word (longest common subsequence), so a
 * reviewer sees which fix phrases an attempt added without reading both prompts in full.
 */
export function diffPrompts(previous: string, current: string): PromptSegment[] {
  const before = previous.match(TOKEN) ?? [];
  const after = current.match(TOKEN) ?? [];
  if (before.length * after.length > MAX_CELLS) {
    return merge([
      { text: previous, change: 'removed' },
      { text: current, change: 'added' },
    ]);
  }
  // common[i][j]: length of the longest common subsequence of before[i..] and after[j..].
  const width = after.length + 1;
  const common = new Uint32Array((before.length + 1) * width);
  for (let i = before.length - 1; i >= 0; i--) {
    for (let j = after.length - 1; j >= 0; j--) {
      common[i * width + j] =
        before[i] === after[j]
          ? common[(i + 1) * width + j + 1] + 1
          : Math.max(common[(i + 1) * width + j], common[i * width + j + 1]);
    }
  }
  const segments: PromptSegment[] = [];
  let i = 0;
  let j = 0;
  while (i < before.length || j < after.length) {
    if (i < before.length && j < after.length && before[i] === after[j]) {
      segments.push({ text: after[j], change: 'same' });
      i++;
      j++;
    } else if (j < after.length && (i === before.length || common[i * width + j + 1] >= common[(i + 1) * width + j])) {
      segments.push({ text: after[j], change: 'added' });
      j++;
    } else {
      segments.push({ text: before[i], change: 'removed' });
      i++;
    }
  }
  return merge(absorbWhitespace(segments));
}

/**
 * A lone space kept between two changed words would split one highlighted phrase into many;
 * it joins the change around it instead.
 */
function absorbWhitespace(segments: PromptSegment[]): PromptSegment[] {
  return segments.map((segment, index) => {
    if (segment.change !== 'same' || segment.text.trim() !== '') return segment;
    const before = segments[index - 1]?.change;
    const after = segments[index + 1]?.change;
    if (before === 'added' && after === 'added') return { ...segment, change: 'added' };
    return segment;
  });
}

/** Adjacent segments of the same kind become one. */
function merge(segments: PromptSegment[]): PromptSegment[] {
  const merged: PromptSegment[] = [];
  for (const segment of segments) {
    if (segment.text === '') continue;
    const last = merged[merged.length - 1];
    if (last && last.change === segment.change) last.text += segment.text;
    else merged.push({ ...segment });
  }
  return merged;
}
