import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CLAUDE_IMAGE_LIMITS, checkThinking, checkToolSchema, claudeModel, refusedSamplingParameter, type ClaudeModelRule } from '../../catalog/limits/anthropic';
import { editedIssues, shownTruth } from '../judge/edited-judgment';
import { measureImage, UnreadableImageError, type ImageMetrics } from '../judge/image-metrics';
import { picturePrint } from '../judge/picture-print';
import { judge } from '../judge/judge-model';
import { isPairwiseRequest, pairwiseAssets } from '../judge/pairwise-request';
import { trueQuality } from '../judge/quality-model';
import { imagesKeyOf, madeFromKey, requestIdentity } from '../judge/request-identity';
import { servedAnalysis, servedPreference } from '../judge/served-judgment';
import { declaredIssueFields, withDeclaredIssueFields } from '../judge/issue-fields';
import { judgeSettingsFor } from '../scenario-rules';
import { findScenePrompt } from '../judge/scene-text';
import { majorityProvider, readProviderMark } from '../media/provider-mark';
import type { ProviderName } from '../../domain/provider';
import {
  MessagesRequestSchema,
  systemText,
  userImages,
  userText,
  type ContentBlock,
  type ImageBlock,
  type MessagesRequest,
} from '../judge/messages-request';
import {
  answerMode,
  errorEnvelope,
  messageBody,
  outputTokens,
  preferenceContent,
  requestId,
  thinkingBlock,
  unusableContent,
  verdictContent,
} from '../judge/messages-response';
import { fingerprint, type PromptSegment } from '../judge/prompt-cache';
import { tokenCount, type TokenCount } from '../judge/token-count';
import type { SimContext } from '../sim-context';
import { describeIssues } from './zod-issues';

/** Anthropic's Messages API (research/providers.md §4), answered by the simulated judge. */

/** Tokens counted for an image we cannot look at (URL or file sources). */
const UNSEEN_IMAGE_TOKENS = 1600;

export function registerAnthropicRoutes(app: FastifyInstance, context: SimContext): void {
  app.post('/v1/messages', async (httpRequest, reply) => {
    const id = requestId();
    reply.header('request-id', id);
    const fail = (status: number, type: string, message: string) =>
      reply.code(status).send(errorEnvelope(type, message, id));

    if (!hasKey(httpRequest)) return fail(401, 'authentication_error', 'x-api-key header is required');
    const apiVersion = headerValue(httpRequest, 'anthropic-version');
    if (!apiVersion) {
      return fail(400, 'invalid_request_error', 'anthropic-version: header is required');
    }
    const parsed = MessagesRequestSchema.safeParse(httpRequest.body);
    if (!parsed.success) return fail(400, 'invalid_request_error', describeIssues(parsed.error));
    const request = parsed.data;
    if (request.stream === true) {
      return fail(400, 'invalid_request_error', 'stream: the simulator answers non-streaming requests only');
    }
    // Unknown and retired models: the API answers 404 not_found_error naming the model.
    const model = claudeModel(request.model);
    if (model === undefined || model.status === 'retired') return fail(404, 'not_found_error', `model: ${request.model}`);
    const sampling = refusedSamplingParameter(apiVersion, request, model);
    if (sampling) return fail(400, 'invalid_request_error', `${sampling}: Extra inputs are not permitted`);
    const thinkingViolation = checkThinking(model, request);
    if (thinkingViolation) return fail(400, 'invalid_request_error', `${thinkingViolation.field}: ${thinkingViolation.message}`);
    for (const [index, tool] of (request.tools ?? []).entries()) {
      const violation = checkToolSchema(tool.input_schema, tool.strict === true);
      if (violation) return fail(400, 'invalid_request_error', `tools.${index}.custom.${violation.field}: ${violation.message}`);
    }
    // JSON outputs are always decoded against their schema: the strict subset applies.
    const format = request.output_config?.format ?? request.output_format;
    const formatViolation = format && checkToolSchema(format.schema, true, 'schema');
    if (formatViolation) return fail(400, 'invalid_request_error', `output_config.format.${formatViolation.field}: ${formatViolation.message}`);
    const forced = request.tool_choice?.type === 'tool' ? request.tool_choice.name : undefined;
    if (forced !== undefined && !(request.tools ?? []).some((tool) => tool.name === forced)) {
      return fail(400, 'invalid_request_error', `tool_choice names tool '${forced}', which is not in tools`);
    }

    const imageBlocks = userImages(request);
    if (imageBlocks.length > CLAUDE_IMAGE_LIMITS.maxImagesPerRequest) {
      return fail(400, 'invalid_request_error', `messages: too many images (${imageBlocks.length}); at most ${CLAUDE_IMAGE_LIMITS.maxImagesPerRequest} per request`);
    }
    const maxSide = imageBlocks.length > CLAUDE_IMAGE_LIMITS.manyImages ? CLAUDE_IMAGE_LIMITS.maxSidePxWhenMany : CLAUDE_IMAGE_LIMITS.maxSidePx;
    let seen: SeenImage[];
    try {
      seen = await Promise.all(imageBlocks.map((block) => lookAt(block, maxSide)));
    } catch (error) {
      if (error instanceof UnreadableImageError) return fail(400, 'invalid_request_error', error.message);
      throw error;
    }

    const count = tokenCount(model);
    // The model's thinking comes first and takes its share of max_tokens.
    const thought = thinks(model, request) ? thinkingBlock() : undefined;
    const tokensLeft = request.max_tokens - (thought === undefined ? 0 : count.text(JSON.stringify(thought)));
    const mode = answerMode(request);
    const reply200 = (answer: Parameters<typeof messageBody>[1], usage: Parameters<typeof messageBody>[2]) =>
      messageBody(request, answer, usage, count, thought);
    const text = userText(request);
    const scene = findScenePrompt(text);
    if (isPairwiseRequest(request)) {
      const assets = pairwiseAssets(request);
      if (!assets.ok) return fail(400, 'invalid_request_error', assets.problem);
      context.counts.countPairwise();
      const usage = context.promptCache.account(segments(request, seen, count), model.minCacheTokens);
      // Pairwise requests take no faults and move no rule's scores: those script analyses.
      const rule = context.book.ruleFor(`${systemText(request)}\n${text}`);
      const seenOf = new Map(seen.map((image) => [image.block, image]));
      const truthOf = (blocks: ImageBlock[]) => assetTruth(context, text, blocks.map((block) => seenOf.get(block) ?? { block }));
      const preferred = servedPreference({
        firstTruth: truthOf(assets.first),
        secondTruth: truthOf(assets.second),
        scripted: rule?.pairwise,
        settings: judgeSettingsFor(context.settings.judge, rule),
        seed: context.settings.seed,
        requestKey: requestIdentity(request, imageBlocks, scene, undefined).viewKey,
        memory: context.judgeMemory,
      });
      return reply200(preferenceContent(mode, preferred, tokensLeft, count), usage);
    }
    const { ruleIndex, fault } = context.book.takeAnalysisFault(`${systemText(request)}\n${text}`);
    context.counts.countAnalysis(fault !== undefined);
    if (fault === 'http429') {
      reply.header('retry-after', '1');
      return fail(429, 'rate_limit_error', 'Number of requests has exceeded your rate limit; retry after 1 second');
    }
    if (fault === 'http529') return fail(529, 'overloaded_error', 'Overloaded');
    if (fault === 'http500') return fail(500, 'api_error', 'Internal server error');
    if (fault === 'timeout') {
      await context.holds.hold(context.timeoutFaultMs);
      return fail(504, 'timeout_error', 'Request timed out');
    }

    const images = seen.flatMap((image) => (image.metrics ? [image.metrics] : []));
    const usage = context.promptCache.account(segments(request, seen, count), model.minCacheTokens);
    const ownVerdict = judge({ userText: text, images });
    if (fault !== undefined) return reply200(unusableContent(mode, fault, ownVerdict), usage);
    if (outputTokens(verdictContent(mode, ownVerdict).content, count) > tokensLeft) {
      // The answer does not fit: the real API stops mid-answer the same way.
      return reply200(unusableContent(mode, 'truncated', ownVerdict), usage);
    }
    const scripted = ruleIndex === undefined ? {} : context.book.takeScriptedVerdict(ruleIndex);
    const provider = providerOf(seen);
    const identity = requestIdentity(request, imageBlocks, scene, provider);
    // An asset the simulator edited (a still, or a clip shown as frames) keeps its source's truth
    // but for what the edit fixed and damaged.
    const prints = await Promise.all(seen.flatMap(({ block }) => (block.source.type === 'base64' ? [picturePrint(Buffer.from(block.source.data, 'base64'))] : [])));
    const { truth: modelTruth, edit } = shownTruth(
      context.judgeMemory.pictures,
      prints,
      { truth: trueQuality(ownVerdict.overallScore, provider, scene.contentType), issues: scripted.issues ?? [] },
      context.settings.edit.damagePoints,
    );
    const { verdict: servedVerdict, trueQuality: truth } = servedAnalysis({
      input: { userText: text, images },
      own: ownVerdict,
      modelTruth,
      scripted,
      settings: judgeSettingsFor(context.settings.judge, ruleIndex === undefined ? undefined : context.book.ruleAt(ruleIndex)),
      seed: context.settings.seed,
      identity,
      memory: context.judgeMemory,
    });
    const verdict = edit ? { ...servedVerdict, issues: editedIssues(servedVerdict.issues, edit.outcome) } : servedVerdict;
    if (seen.length > 0) context.judgeMemory.rememberTruth(identity.imagesKey, truth);
    // An edit's truth is not a source's: a later edit of the same source must not build on it.
    if (!edit) context.judgeMemory.pictures.rememberJudged(prints, truth);
    if (scene.generationPrompt !== undefined) {
      context.judgeMemory.rememberMadeFrom(madeFromKey(scene.generationPrompt, provider), { trueQuality: truth, contentType: scene.contentType });
    }
    return reply200(verdictContent(mode, withDeclaredIssueFields(verdict, declaredIssueFields(request, mode))), usage);
  });
}

/** Whether the model thinks on this request: as asked, else as the model does by default. */
function thinks(model: ClaudeModelRule, request: MessagesRequest): boolean {
  const asked = request.thinking?.type;
  return asked === undefined ? model.thinking !== 'off' : asked !== 'disabled';
}

interface SeenImage {
  block: ImageBlock;
  metrics?: ImageMetrics;
  /** The provider whose mark the image carries (src/sim/media/provider-mark.ts). */
  mark?: ProviderName;
}

function providerOf(images: SeenImage[]): ProviderName | undefined {
  return majorityProvider(images.map((image) => image.mark));
}

/**
 * The true quality of one asset of a pairwise request: the one its analysis found, when the
 * simulator judged these exact images before; else the judge's own reading of its images with
 * the request's scene text, plus the provider profile.
 */
function assetTruth(context: SimContext, text: string, images: SeenImage[]): number {
  const remembered = context.judgeMemory.truthOf(imagesKeyOf(images.map((image) => image.block)));
  if (remembered !== undefined) return remembered;
  const metrics = images.flatMap((image) => (image.metrics ? [image.metrics] : []));
  const score = judge({ userText: text, images: metrics }).overallScore;
  return trueQuality(score, providerOf(images), findScenePrompt(text).contentType);
}

/** Size and dimension limits as the vision docs give them (CLAUDE_IMAGE_LIMITS, with its source). */
async function lookAt(block: ImageBlock, maxSide: number): Promise<SeenImage> {
  if (block.source.type !== 'base64') return { block };
  const bytes = Buffer.from(block.source.data, 'base64');
  if (bytes.length === 0) throw new UnreadableImageError('Could not process image: empty base64 data');
  if (bytes.length > CLAUDE_IMAGE_LIMITS.maxImageBytes) {
    throw new UnreadableImageError(`image exceeds 5 MB maximum: ${bytes.length} bytes > ${CLAUDE_IMAGE_LIMITS.maxImageBytes} bytes`);
  }
  const metrics = await measureImage(bytes);
  if (metrics.width > maxSide || metrics.height > maxSide) {
    throw new UnreadableImageError(`image dimensions exceed max allowed size: ${maxSide} pixels (got ${metrics.width}x${metrics.height})`);
  }
  return { block, metrics, mark: await readProviderMark(bytes, metrics) };
}

/** The request in cache order (tools, system, messages), each piece with its tokens as the model counts them. */
function segments(request: MessagesRequest, seen: SeenImage[], count: TokenCount): PromptSegment[] {
  const textTokens = count.text;
  const imageTokensOf = new Map(
    seen.map((image) => [
      image.block,
      image.metrics ? count.image(image.metrics.width, image.metrics.height) : UNSEEN_IMAGE_TOKENS,
    ]),
  );
  const list: PromptSegment[] = [];
  for (const tool of request.tools ?? []) {
    list.push({ tokens: textTokens(JSON.stringify(tool)), fingerprint: fingerprint(tool), breakpoint: !!tool.cache_control });
  }
  if (typeof request.system === 'string') {
    list.push({ tokens: textTokens(request.system), fingerprint: fingerprint(request.system), breakpoint: false });
  } else {
    for (const block of request.system ?? []) {
      list.push({ tokens: textTokens(block.text), fingerprint: fingerprint(block.text), breakpoint: !!block.cache_control });
    }
  }
  for (const message of request.messages) {
    const blocks = typeof message.content === 'string' ? [{ type: 'text' as const, text: message.content }] : message.content;
    for (const block of blocks) {
      const tokens = blockTokens(block, imageTokensOf, textTokens);
      const breakpoint = 'cache_control' in block && !!block.cache_control;
      list.push({ tokens, fingerprint: fingerprint([message.role, block]), breakpoint });
    }
  }
  return list;
}

function blockTokens(block: ContentBlock, imageTokensOf: Map<ImageBlock, number>, textTokens: TokenCount['text']): number {
  if (block.type === 'image') return imageTokensOf.get(block) ?? UNSEEN_IMAGE_TOKENS;
  if (block.type === 'text') return textTokens(block.text);
  if (block.type === 'tool_result' && Array.isArray(block.content)) {
    return block.content.reduce((sum, inner) => sum + blockTokens(inner, imageTokensOf, textTokens), textTokens(block.tool_use_id));
  }
  return textTokens(JSON.stringify(block));
}

function hasKey(request: FastifyRequest): boolean {
  const key = headerValue(request, 'x-api-key');
  const authorization = headerValue(request, 'authorization');
  return key !== undefined || (authorization !== undefined && /^Bearer\s+\S+/.test(authorization));
}

function headerValue(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}
