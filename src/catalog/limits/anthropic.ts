import type { RuleViolation } from './rule';

/**
 * How a model thinks when the request says nothing about `thinking`: `off` thinks only when asked;
 * `on` runs adaptive thinking unless `thinking: {type: 'disabled'}` is sent; `always` runs it and
 * refuses `disabled` with a 400.
 */
export type ThinkingDefault = 'off' | 'on' | 'always';

/** Which image size a model reads natively (CLAUDE_IMAGE_TIERS). */
export type ImageTier = 'standard' | 'high';

/**
 * Claude models the judge may be pointed at, and the Messages API rules the client shapes its
 * requests to. Prices live in src/catalog/prices.ts (DEFAULT_MODEL_PRICES) with their own sources.
 */
export interface ClaudeModelRule {
  id: string;
  /** retired: the API answers 404 not_found_error; deprecated: still served until endOfLife. */
  status: 'active' | 'deprecated' | 'retired';
  endOfLife?: string;
  /** Shortest prefix (tools + system + messages up to a cache_control breakpoint) that is cached. */
  minCacheTokens: number;
  thinking: ThinkingDefault;
  /** temperature, top_p and top_k are refused on every API version, not only from 2026-10-21. */
  samplingRefused: boolean;
  imageTier: ImageTier;
  /** Text tokens per token of the Claude 4 tokenizer: the Claude 5 tokenizer makes about 30 % more. */
  tokenizerFactor: number;
  source: string;
}

const CACHING_DOC = 'https://platform.claude.com/docs/en/build-with-claude/prompt-caching#cache-limitations';
const DEPRECATIONS_DOC = 'https://platform.claude.com/docs/en/about-claude/model-deprecations';
// Sonnet 4.6 and Haiku 4.5 think only when asked; neither refuses sampling parameters on 2023-06-01.
const CLAUDE_4_DOC = 'https://platform.claude.com/docs/en/build-with-claude/thinking';
// Opus 4.7: adaptive thinking only, off by default; sampling parameters refused; high-resolution
// images (https://platform.claude.com/docs/en/about-claude/models/whats-new-claude-4-7).
const OPUS_4_7_DOC = 'https://platform.claude.com/docs/en/about-claude/models/whats-new-claude-4-7';
// Sonnet 5: adaptive thinking on by default (`disabled` turns it off), sampling parameters refused,
// a new tokenizer making about 30 % more tokens for the same text.
const SONNET_5_DOC = 'https://platform.claude.com/docs/en/models/sonnet-5/overview';
// Sonnet 5.5: the current Sonnet; thinking budgets, sampling parameters, forced tool choice and
// thinking `disabled` each return 400; same tokenizer as Sonnet 5.
const SONNET_5_5_DOC = 'https://platform.claude.com/docs/en/models/sonnet-5-5/migration-guide';
// Sonnet 5.5's minimum cacheable prefix is not on the caching page yet; Sonnet 5's is assumed.
const CLAUDE_4_TOKENS = 1;
const CLAUDE_5_TOKENS = 1.3;

export const CLAUDE_MODELS: readonly ClaudeModelRule[] = [
  { id: 'claude-sonnet-5-5', status: 'active', minCacheTokens: 1024, thinking: 'always', samplingRefused: true, imageTier: 'high', tokenizerFactor: CLAUDE_5_TOKENS, source: SONNET_5_5_DOC },
  { id: 'claude-sonnet-4-6', status: 'active', minCacheTokens: 1024, thinking: 'off', samplingRefused: false, imageTier: 'standard', tokenizerFactor: CLAUDE_4_TOKENS, source: `${CLAUDE_4_DOC}; ${CACHING_DOC}` },
  { id: 'claude-sonnet-5', status: 'active', minCacheTokens: 1024, thinking: 'on', samplingRefused: true, imageTier: 'high', tokenizerFactor: CLAUDE_5_TOKENS, source: `${SONNET_5_DOC}; ${CACHING_DOC}` },
  { id: 'claude-opus-4-7', status: 'active', minCacheTokens: 2048, thinking: 'off', samplingRefused: true, imageTier: 'high', tokenizerFactor: CLAUDE_4_TOKENS, source: `${OPUS_4_7_DOC}; ${CACHING_DOC}` },
  { id: 'claude-haiku-4-5', status: 'active', minCacheTokens: 4096, thinking: 'off', samplingRefused: false, imageTier: 'standard', tokenizerFactor: CLAUDE_4_TOKENS, source: `${CLAUDE_4_DOC}; ${CACHING_DOC}` },
  { id: 'claude-haiku-4-5-20251001', status: 'active', minCacheTokens: 4096, thinking: 'off', samplingRefused: false, imageTier: 'standard', tokenizerFactor: CLAUDE_4_TOKENS, source: `${CLAUDE_4_DOC}; ${CACHING_DOC}` },
  // The installed SDK's DEPRECATED_MODELS gives end of life 2026-11-30 (resources/messages/messages.js).
  { id: 'claude-sonnet-4-5', status: 'retired', endOfLife: '2026-11-30', minCacheTokens: 1024, thinking: 'off', samplingRefused: false, imageTier: 'standard', tokenizerFactor: CLAUDE_4_TOKENS, source: DEPRECATIONS_DOC },
  { id: 'claude-sonnet-4-5-20250929', status: 'retired', endOfLife: '2026-11-30', minCacheTokens: 1024, thinking: 'off', samplingRefused: false, imageTier: 'standard', tokenizerFactor: CLAUDE_4_TOKENS, source: DEPRECATIONS_DOC },
];

export function claudeModel(id: string): ClaudeModelRule | undefined {
  return CLAUDE_MODELS.find((row) => row.id === id);
}

/** The `thinking` setting a request gets from the client: off wherever the model lets it be. */
export function thinkingToSend(model: ClaudeModelRule | undefined): { type: 'disabled' } | undefined {
  return model?.thinking === 'on' ? { type: 'disabled' } : undefined;
}

export const FORCED_TOOL_SOURCE = 'https://platform.claude.com/docs/en/build-with-claude/thinking (tool_choice with thinking: only auto or none)';

/**
 * The first rule about thinking a request breaks on `model`, or undefined: `disabled` where the
 * model always thinks, and a forced tool (`any` or `tool`) while thinking runs, which the API
 * refuses because a forced tool leaves the model no turn to think in.
 */
export function checkThinking(model: ClaudeModelRule, body: { thinking?: { type?: string }; tool_choice?: { type?: string } }): RuleViolation | undefined {
  const asked = body.thinking?.type;
  if (asked === 'disabled' && model.thinking === 'always') {
    return { field: 'thinking.type', message: `'disabled' is not supported on ${model.id}: adaptive thinking is always on` };
  }
  const thinks = asked === undefined ? model.thinking !== 'off' : asked !== 'disabled';
  const forced = body.tool_choice?.type === 'any' || body.tool_choice?.type === 'tool';
  if (thinks && forced) return { field: 'tool_choice', message: 'Thinking may not be enabled when tool_choice forces tool use.' };
  return undefined;
}

/**
 * The sampling parameters. API versions from 2026-10-21 (the one the installed SDK sends) refuse
 * each of them at any value, defaults included, on every model; 2023-06-01 takes temperature 0..1.
 */
export const SAMPLING_PARAMETERS = ['temperature', 'top_p', 'top_k'] as const;
export const SAMPLING_REFUSED_FROM_VERSION = '2026-10-21';
export const SAMPLING_SOURCE = 'https://platform.claude.com/docs/en/api/versioning (2026-10-21 removes temperature, top_p and top_k)';

/**
 * The sampling parameter a request may not carry under `apiVersion` on `model`, if it carries
 * one: from 2026-10-21 on every model, before that on the models that refuse them (their rows).
 */
export function refusedSamplingParameter(apiVersion: string, body: Record<string, unknown>, model?: ClaudeModelRule): string | undefined {
  // Versions are dates, so their text order is their time order.
  if (apiVersion < SAMPLING_REFUSED_FROM_VERSION && model?.samplingRefused !== true) return undefined;
  return SAMPLING_PARAMETERS.find((name) => body[name] !== undefined);
}

/** Vision limits of the Messages API. */
export const CLAUDE_IMAGE_LIMITS = {
  /** Per image, decoded. */
  maxImageBytes: 5 * 1024 * 1024,
  maxSidePx: 8000,
  /** With more than `manyImages` images in one request, each side at most this. */
  manyImages: 20,
  maxSidePxWhenMany: 2000,
  maxImagesPerRequest: 100,
  source: 'https://platform.claude.com/docs/en/build-with-claude/vision#evaluate-image-size',
} as const;

/**
 * The largest image each tier reads without resizing it first, and what an image costs in input
 * tokens. Standard (Claude 4 models before Opus 4.7): long edge 1568 px, about 1.15 MP, tokens
 * about width × height / 750. High (Opus 4.7, Sonnet 5 and later): long edge 2576 px, one token
 * per 28 × 28 px patch, at most 4,784 patches. A larger image is resized by the API (latency, no
 * detail gained), so the client sends at most this. Source: the vision page's "Evaluate image
 * size" (https://platform.claude.com/docs/en/build-with-claude/vision#evaluate-image-size), the
 * high tier's patch cap as counted in https://docs.rs/adk-rust/3.0.0/adk_rust/vision/cloud/struct.ClaudePixels.html.
 */
export const CLAUDE_IMAGE_TIERS = {
  standard: { maxLongEdgePx: 1568, maxImageTokens: 1533 },
  high: { maxLongEdgePx: 2576, maxImageTokens: 4784 },
} as const satisfies Record<ImageTier, { maxLongEdgePx: number; maxImageTokens: number }>;

const PATCH_PX = 28;
const STANDARD_PIXELS_PER_TOKEN = 750;

/** The input tokens an image of this size costs on a model of `tier`, sent as it is. */
export function claudeImageTokens(tier: ImageTier, width: number, height: number): number {
  if (tier === 'high') return Math.ceil(width / PATCH_PX) * Math.ceil(height / PATCH_PX);
  return Math.ceil((width * height) / STANDARD_PIXELS_PER_TOKEN);
}

/** The JSON Schema dialect the API reads tool input schemas in; any other `$schema` is refused. */
export const TOOL_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';
export const TOOL_SCHEMA_SOURCE = 'https://platform.claude.com/docs/en/agents-and-tools/tool-use/implement-tool-use (input_schema: JSON Schema draft 2020-12)';

/**
 * Strict tools are decoded against their schema, which supports a subset of JSON Schema: these
 * keywords are refused, every object must set additionalProperties to false.
 */
export const STRICT_SCHEMA_UNSUPPORTED = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'minLength', 'maxLength', 'maxItems'] as const;
export const STRICT_SCHEMA_SOURCE = 'https://platform.claude.com/docs/en/build-with-claude/structured-outputs#json-schema-limitations';

/** The first reason the API would refuse a tool's input_schema, or undefined. */
export function checkToolSchema(schema: Record<string, unknown>, strict: boolean, path = 'input_schema'): RuleViolation | undefined {
  const dialect = schema.$schema;
  if (path === 'input_schema' && dialect !== undefined && dialect !== TOOL_SCHEMA_DIALECT && dialect !== `${TOOL_SCHEMA_DIALECT}#`) {
    return {
      field: path,
      message: 'JSON schema is invalid. It must match JSON Schema draft 2020-12 (https://json-schema.org/draft/2020-12).',
    };
  }
  if (!strict) return undefined;
  for (const keyword of STRICT_SCHEMA_UNSUPPORTED) {
    if (keyword in schema) return { field: `${path}.${keyword}`, message: `'${keyword}' is not supported in strict mode schemas` };
  }
  if (schema.type === 'object' && schema.additionalProperties !== false) {
    return { field: `${path}.additionalProperties`, message: "For 'object' type, 'additionalProperties' must be explicitly set to false" };
  }
  if (typeof schema.minItems === 'number' && schema.minItems > 1) {
    return { field: `${path}.minItems`, message: "'minItems' values other than 0 or 1 are not supported in strict mode schemas" };
  }
  const children: [string, unknown][] = [];
  for (const [name, value] of Object.entries((schema.properties as Record<string, unknown>) ?? {})) children.push([`${path}.properties.${name}`, value]);
  if (schema.items !== undefined) children.push([`${path}.items`, schema.items]);
  for (const key of ['anyOf', 'allOf'] as const) {
    if (Array.isArray(schema[key])) (schema[key] as unknown[]).forEach((value, index) => children.push([`${path}.${key}.${index}`, value]));
  }
  for (const [name, value] of Object.entries((schema.$defs as Record<string, unknown>) ?? {})) children.push([`${path}.$defs.${name}`, value]);
  for (const [childPath, child] of children) {
    if (typeof child !== 'object' || child === null) continue;
    const violation = checkToolSchema(child as Record<string, unknown>, true, childPath);
    if (violation) return violation;
  }
  return undefined;
}
