import { fingerprint } from './prompt-cache';
import { systemText, userText, type ImageBlock, type MessagesRequest } from './messages-request';
import { normalise, type ScenePrompt } from './scene-text';

/**
 * Which asset a judge request is about, and which view of it: told apart only by what the request
 * actually contains, so the product changing how it asks changes the simulator's draw without
 * sharing any code with it.
 */
export interface RequestIdentity {
  /** The exact images shown: an analysis and a later pairwise request meet on it. */
  imagesKey: string;
  /**
   * The asset however it is shown: the scene, the prompt it was made from and the provider whose
   * mark it carries (the simulator renders the same prompt and provider to the same pixels).
   * Without a generation prompt in the text, the images are all there is to go by.
   */
  assetKey: string;
  /** The question asked: model, instructions, tools and output format, the user turn's text and images. */
  viewKey: string;
}

export function requestIdentity(request: MessagesRequest, images: ImageBlock[], scene: ScenePrompt, provider: string | undefined): RequestIdentity {
  const imagesKey = imagesKeyOf(images);
  const assetKey =
    scene.generationPrompt === undefined
      ? fingerprint(['images', scene.key, imagesKey])
      : fingerprint(['made', scene.key, normalise(scene.generationPrompt), provider ?? '']);
  const format = request.output_config?.format ?? request.output_format;
  const viewKey = fingerprint([
    request.model,
    systemText(request),
    (request.tools ?? []).map((tool) => [tool.name, tool.description ?? '', tool.input_schema]),
    format?.schema ?? null,
    userText(request),
    imagesKey,
  ]);
  return { imagesKey, assetKey, viewKey };
}

/** Identifies the exact images by their sources (bytes, URL or file id). */
export function imagesKeyOf(images: ImageBlock[]): string {
  return fingerprint(
    images.map(({ source }) => (source.type === 'base64' ? source.data : source.type === 'url' ? source.url : source.file_id)),
  );
}

/** What a generated asset was made from: the key the simulator keeps its truths and generated files under. */
export function madeFromKey(prompt: string, provider: string | undefined): string {
  return fingerprint(['made-from', normalise(prompt), provider ?? '']);
}
