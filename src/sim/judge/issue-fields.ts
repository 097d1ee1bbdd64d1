import type { JudgeVerdict } from '../../analysis/judge-verdict';
import type { AnswerMode } from './messages-response';
import type { MessagesRequest } from './messages-request';

/** The optional issue fields a scenario rule may script (CONTRACT.md SceneAnalysisResult.issues). */
const OPTIONAL_ISSUE_FIELDS = ['region', 'timeSpan'] as const;
type OptionalIssueField = (typeof OPTIONAL_ISSUE_FIELDS)[number];

/**
 * Which optional issue fields the answer's schema declares. A real model answering a strict tool
 * or a JSON output format cannot add properties its schema lacks, so neither may the simulator:
 * a rule's `region` reaches the client only when the client's schema asks for one.
 */
export function declaredIssueFields(request: MessagesRequest, mode: AnswerMode): Set<OptionalIssueField> {
  let schema: unknown;
  if (mode.kind === 'tool') schema = (request.tools ?? []).find((tool) => tool.name === mode.toolName)?.input_schema;
  else if (mode.kind === 'json') schema = (request.output_config?.format ?? request.output_format)?.schema;
  const root = schema as JsonSchema | undefined;
  const issues = resolve(root, resolve(root, root?.properties?.issues)?.items);
  const declared = issues?.properties ?? {};
  return new Set(OPTIONAL_ISSUE_FIELDS.filter((field) => field in declared));
}

/** The verdict with every optional issue field the schema does not declare left out. */
export function withDeclaredIssueFields(verdict: JudgeVerdict, declared: Set<OptionalIssueField>): JudgeVerdict {
  const issues = verdict.issues.map((issue) => {
    const kept: Record<string, unknown> = { ...issue };
    for (const field of OPTIONAL_ISSUE_FIELDS) if (!declared.has(field)) delete kept[field];
    return kept as (typeof verdict.issues)[number];
  });
  return { ...verdict, issues };
}

interface JsonSchema {
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  definitions?: Record<string, JsonSchema>;
}

/** Follows a local `$ref` (`#/$defs/…` or `#/definitions/…`) against the root schema. */
function resolve(root: JsonSchema | undefined, node: JsonSchema | undefined): JsonSchema | undefined {
  const ref = node?.$ref;
  if (ref === undefined) return node;
  const match = /^#\/(\$defs|definitions)\/(.+)$/.exec(ref);
  if (match === null) return undefined;
  return (match[1] === '$defs' ? root?.$defs : root?.definitions)?.[match[2]];
}
