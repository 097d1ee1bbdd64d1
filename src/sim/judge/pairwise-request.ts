import type { ContentBlock, ImageBlock, MessagesRequest } from './messages-request';

/** The tool a pairwise request forces (shared shapes: the pairwise wire format). */
export const PAIRWISE_TOOL_NAME = 'record_preference';

export const FIRST_ASSET_MARKER = 'First asset:';
export const SECOND_ASSET_MARKER = 'Second asset:';

/** A forced record_preference call, or a JSON output whose schema asks for `preferred`. */
export function isPairwiseRequest(request: MessagesRequest): boolean {
  if (request.tool_choice?.type === 'tool' && request.tool_choice.name === PAIRWISE_TOOL_NAME) return true;
  const schema = (request.output_config?.format ?? request.output_format)?.schema as { properties?: Record<string, unknown> } | undefined;
  return schema?.properties?.preferred !== undefined;
}

export type PairwiseAssets =
  | { ok: true; first: ImageBlock[]; second: ImageBlock[] }
  | { ok: false; problem: string };

/**
 * The two assets' image blocks: those after the text block `First asset:` up to the text block
 * `Second asset:`, and those after it. Other text in between (frame labels) is passed over. A
 * request without both markers, or with an asset that has no image, cannot be judged: that is a
 * broken client, answered 400 like the simulator's other shape errors.
 */
export function pairwiseAssets(request: MessagesRequest): PairwiseAssets {
  const blocks: ContentBlock[] = request.messages
    .filter((message) => message.role === 'user' && typeof message.content !== 'string')
    .flatMap((message) => message.content as ContentBlock[]);
  let current: ImageBlock[] | undefined;
  let first: ImageBlock[] | undefined;
  let second: ImageBlock[] | undefined;
  for (const block of blocks) {
    if (block.type === 'text' && block.text.trim() === FIRST_ASSET_MARKER) current = first = first ?? [];
    else if (block.type === 'text' && block.text.trim() === SECOND_ASSET_MARKER) current = second = second ?? [];
    else if (block.type === 'image') current?.push(block);
  }
  if (first === undefined || second === undefined) {
    return { ok: false, problem: `messages: a pairwise request needs a text block "${FIRST_ASSET_MARKER}" and one "${SECOND_ASSET_MARKER}", each followed by that asset's images` };
  }
  if (first.length === 0 || second.length === 0) {
    const which = first.length === 0 ? 'first' : 'second';
    return { ok: false, problem: `messages: the ${which} asset of a pairwise request has no image after its marker` };
  }
  return { ok: true, first, second };
}
