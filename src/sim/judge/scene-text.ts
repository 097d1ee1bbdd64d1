/**
 * Finds the generation prompt and the visual direction in an analysis request's text without
 * depending on one layout: a labelled line (`Prompt: …`, `visual direction = …`) or a JSON
 * field (`"prompt": "…"`, `"visualDirection": "…"`) anywhere in the text.
 */

export interface ScenePrompt {
  /** The generation prompt, else the visual direction. */
  prompt?: string;
  /** The generation prompt alone, when the text labels one: what the asset was made from. */
  generationPrompt?: string;
  visualDirection?: string;
  /** The scene's expected content type (person, food, …), lower-cased, when the text names one. */
  contentType?: string;
  /** Stable for one scene across its attempts: seeds the scene's own difficulty. */
  key: string;
}

const PROMPT_LABELS = ['generation prompt', 'generation_prompt', 'generationPrompt', 'prompt'];
const DIRECTION_LABELS = ['visual direction', 'visual_direction', 'visualDirection'];
const CONTENT_TYPE_LABELS = ['expectedContentType', 'expected content type', 'contentType', 'content type', 'content_type'];

export function findScenePrompt(text: string): ScenePrompt {
  const prompt = findLabelled(text, PROMPT_LABELS);
  const visualDirection = findLabelled(text, DIRECTION_LABELS);
  const contentType = findLabelled(text, CONTENT_TYPE_LABELS)?.toLowerCase();
  const keySource = visualDirection ?? prompt ?? text;
  return { prompt: prompt ?? visualDirection, generationPrompt: prompt, visualDirection, contentType, key: normalise(keySource).slice(0, 64) };
}

function findLabelled(text: string, labels: string[]): string | undefined {
  for (const label of labels) {
    const pattern = new RegExp(`(?:^|[\\s{,"'*#-])["']?${escape(label)}["']?\\s*[:=]\\s*`, 'gi');
    for (const match of text.matchAll(pattern)) {
      const value = readValue(text, (match.index ?? 0) + match[0].length);
      if (value !== undefined && value.trim() !== '') return value.trim();
    }
  }
  return undefined;
}

/** A JSON string literal when the value starts with a quote, else the rest of the line. */
function readValue(text: string, start: number): string | undefined {
  if (text[start] === '"') {
    const literal = /^"(?:[^"\\]|\\.)*"/.exec(text.slice(start));
    if (literal) {
      try {
        return JSON.parse(literal[0]) as string;
      } catch {
        return literal[0].slice(1, -1);
      }
    }
  }
  const line = text.slice(start).split('\n')[0];
  return line.replace(/^["'`]+|["'`,]+$/g, '');
}

export function normalise(text: string): string {
  return text.toLowerCase().replace(/\s+/g, ' ').trim();
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
