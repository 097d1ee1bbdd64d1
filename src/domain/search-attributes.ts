import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** CONTRACT.md's search attributes; the dev server registers them with the same names and types. */
export const RegenStatusKey = defineSearchAttributeKey('RegenStatus', SearchAttributeType.KEYWORD);
export const SceneIdKey = defineSearchAttributeKey('SceneId', SearchAttributeType.INT);
export const ProjectIdKey = defineSearchAttributeKey('ProjectId', SearchAttributeType.INT);
export const BestScoreKey = defineSearchAttributeKey('BestScore', SearchAttributeType.DOUBLE);

/** As `temporal server start-dev --search-attribute Name=Type` wants them. */
export const SEARCH_ATTRIBUTE_FLAGS: readonly string[] = [
  'RegenStatus=Keyword',
  'SceneId=Int',
  'ProjectId=Int',
  'BestScore=Double',
];
