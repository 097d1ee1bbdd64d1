import type { RuleViolation } from './rule';

/**
 * Claude models the judge may be pointed at, and the Messages API limits the client shapes its
 * requests to. Prices live in src/config.ts (DEFAULT_MODEL_PRICES) with their own sources.
 */
export interface ClaudeModelRule {
  id: string;
  /** retired: the API answers 404 not_found_error; deprecated: still served until endOfLife. */
  status: 'active' | 'deprecated' | 'retired';
  endOfLife?: string;
  /** Shortest prefix (tools + system + messages up to a cache_control breakpoint) that is cached. */
  minCacheTokens: number;
  source: string;
}

const CACHING_DOC = 'https://platform.claude.com/docs/en/build-with-claude/prompt-caching#cache-limitations';
const DEPRECATIONS_DOC = 'https://platform.claude.com/docs/en/about-claude/model-deprecations';

export const CLAUDE_MODELS: readonly ClaudeModelRule[] = [
  { id: 'claude-sonnet-4-6', status: 'active', minCacheTokens: 1024, source: CACHING_DOC },
  { id: 'claude-sonnet-5', status: 'active', minCacheTokens: 1024, source: CACHING_DOC },
  { id: 'claude-opus-4-7', status: 'active', minCacheTokens: 2048, source: CACHING_DOC },
  { id: 'claude-haiku-4-5', status: 'active', minCacheTokens: 4096, source: CACHING_DOC },
  { id: 'claude-haiku-4-5-20251001', status: 'active', minCacheTokens: 4096, source: CACHING_DOC },
  // The installed SDK's DEPRECATED_MODELS gives end of life 2026-11-30 (resources/messages/messages.js).
  { id: 'claude-sonnet-4-5', status: 'retired', endOfLife: '2026-11-30', minCacheTokens: 1024, source: DEPRECATIONS_DOC },
  { id: 'claude-sonnet-4-5-20250929', status: 'retired', endOfLife: '2026-11-30', minCacheTokens: 1024, source: DEPRECATIONS_DOC },
];

export function claudeModel(id: string): ClaudeModelRule | undefined {
  return CLAUDE_MODELS.find((row) => row.id === id);
}

/**
 * The sampling parameters. API versions from 2026-10-21 (the one the installed SDK sends) refuse
 * each of them at any value, defaults included, on every model; 2023-06-01 takes temperature 0..1.
 */
export const SAMPLING_PARAMETERS = ['temperature', 'top_p', 'top_k'] as const;
export const SAMPLING_REFUSED_FROM_VERSION = '2026-10-21';
export const SAMPLING_SOURCE = 'https://platform.claude.com/docs/en/api/versioning (2026-10-21 removes temperature, top_p and top_k)';

/** The sampling parameter a request may not carry under `apiVersion`, if it carries one. */
export function refusedSamplingParameter(apiVersion: string, body: Record<string, unknown>): string | undefined {
  // Versions are dates, so their text order is their time order.
  if (apiVersion < SAMPLING_REFUSED_FROM_VERSION) return undefined;
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

/** The JSON Schema dialect the API reads tool input schemas in; any other `$schema` is refused. */
export const TOOL_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';
export const TOOL_SCHEMA_SOURCE = 'https://platform.claude.com/docs/en/agents-and-tools/tool-use/implement-tool-use (input_schema: JSON Schema draft 2020-12)';

/**
 * Strict tools are decoded against their schema, which supports a subset of JSON Schema: these
 * keywords are refused, every object must set additionalProperties to false.
 */
export const STRICT_SCHEMA_UNSUPPORTED = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'minLength', 'maxLength'] as const;
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
