import { z } from 'zod';

/**
 * The parts of Anthropic's Messages request the simulator reads (research/providers.md §4),
 * permissive where the real API is (extra fields pass) and strict where a wrong shape would
 * mean our client is broken (unknown block types, images without data).
 */

const CacheControl = z.looseObject({ type: z.literal('ephemeral') }).optional();

const TextBlock = z.looseObject({ type: z.literal('text'), text: z.string(), cache_control: CacheControl });

const ImageSource = z.discriminatedUnion('type', [
  z.looseObject({
    type: z.literal('base64'),
    media_type: z.enum(['image/jpeg', 'image/png', 'image/gif', 'image/webp']),
    data: z.string().min(1),
  }),
  z.looseObject({ type: z.literal('url'), url: z.string().min(1) }),
  z.looseObject({ type: z.literal('file'), file_id: z.string().min(1) }),
]);
const ImageBlock = z.looseObject({ type: z.literal('image'), source: ImageSource, cache_control: CacheControl });

const ToolResultBlock = z.looseObject({
  type: z.literal('tool_result'),
  tool_use_id: z.string().min(1),
  content: z.union([z.string(), z.array(z.union([TextBlock, ImageBlock]))]).optional(),
  is_error: z.boolean().optional(),
  cache_control: CacheControl,
});

const ContentBlock = z.discriminatedUnion('type', [
  TextBlock,
  ImageBlock,
  ToolResultBlock,
  z.looseObject({ type: z.literal('tool_use'), id: z.string(), name: z.string(), input: z.unknown() }),
  z.looseObject({ type: z.literal('document') }),
  z.looseObject({ type: z.literal('thinking') }),
  z.looseObject({ type: z.literal('redacted_thinking') }),
]);
export type ContentBlock = z.infer<typeof ContentBlock>;
export type ImageBlock = z.infer<typeof ImageBlock>;

const Message = z.looseObject({
  role: z.enum(['user', 'assistant']),
  content: z.union([z.string(), z.array(ContentBlock).min(1)]),
});

const Tool = z.looseObject({
  name: z.string().min(1),
  description: z.string().optional(),
  input_schema: z.looseObject({ type: z.literal('object') }),
  strict: z.boolean().optional(),
  cache_control: CacheControl,
});

const JsonSchemaFormat = z.looseObject({ type: z.literal('json_schema'), schema: z.record(z.string(), z.unknown()) });

export const MessagesRequestSchema = z.looseObject({
  model: z.string().min(1),
  max_tokens: z.number().int().min(1),
  /** Only API version 2023-06-01 takes it (src/catalog/limits/anthropic.ts), and only 0..1. */
  temperature: z.number().min(0).max(1).optional(),
  messages: z.array(Message).min(1),
  system: z.union([z.string(), z.array(TextBlock)]).optional(),
  tools: z.array(Tool).optional(),
  tool_choice: z
    .looseObject({ type: z.enum(['auto', 'any', 'tool', 'none']), name: z.string().optional() })
    .refine((choice) => choice.type !== 'tool' || (choice.name ?? '') !== '', 'tool_choice.name is required for type "tool"')
    .optional(),
  output_config: z.looseObject({ format: JsonSchemaFormat.optional() }).optional(),
  thinking: z.looseObject({ type: z.enum(['enabled', 'disabled', 'adaptive', 'between_tools']) }).optional(),
  /** The beta spelling of output_config.format, still accepted during the transition. */
  output_format: JsonSchemaFormat.optional(),
  stream: z.boolean().optional(),
});
export type MessagesRequest = z.infer<typeof MessagesRequestSchema>;

export function systemText(request: MessagesRequest): string {
  if (request.system === undefined) return '';
  return typeof request.system === 'string' ? request.system : request.system.map((block) => block.text).join('\n');
}

/** All text the user turns carry, tool results included: where the scene's data lives. */
export function userText(request: MessagesRequest): string {
  const parts: string[] = [];
  for (const message of request.messages) {
    if (message.role !== 'user') continue;
    if (typeof message.content === 'string') {
      parts.push(message.content);
      continue;
    }
    for (const block of message.content) {
      if (block.type === 'text') parts.push(block.text);
      if (block.type === 'tool_result') {
        const content = block.content;
        if (typeof content === 'string') parts.push(content);
        else for (const inner of content ?? []) if (inner.type === 'text') parts.push(inner.text);
      }
    }
  }
  return parts.join('\n');
}

/** Every image block in the user turns, tool results included, in order. */
export function userImages(request: MessagesRequest): ImageBlock[] {
  const images: ImageBlock[] = [];
  for (const message of request.messages) {
    if (message.role !== 'user' || typeof message.content === 'string') continue;
    for (const block of message.content) {
      if (block.type === 'image') images.push(block);
      if (block.type === 'tool_result' && Array.isArray(block.content)) {
        for (const inner of block.content) if (inner.type === 'image') images.push(inner);
      }
    }
  }
  return images;
}

export function jsonOutputRequested(request: MessagesRequest): boolean {
  return request.output_config?.format !== undefined || request.output_format !== undefined;
}
