import path from 'node:path';
import { createGenerator, type Definition } from 'ts-json-schema-generator';
import { PROJECT_ROOT } from '../../project-root';
import { DOCUMENTED_TYPES } from './documented-types';

/** Where the generated schemas are kept; the web server reads them, a test keeps them current. */
export const API_SCHEMAS_FILE = path.join(PROJECT_ROOT, 'src', 'web', 'openapi', 'api-schemas.json');

/**
 * JSON Schemas of the documented types, read from their TypeScript declarations by the
 * TypeScript compiler (ts-json-schema-generator), one component per type, each referring to the
 * others as OpenAPI does (`#/components/schemas/<name>`). Keys are sorted so the file is stable.
 * A dev-time step: the compiled web server only reads the result.
 */
export function generateApiSchemas(): Record<string, Definition> {
  const generator = createGenerator({
    path: path.join(PROJECT_ROOT, 'src', 'web', 'openapi', 'documented-types.ts'),
    tsconfig: path.join(PROJECT_ROOT, 'tsconfig.json'),
    skipTypeCheck: true,
    expose: 'export',
    topRef: true,
    jsDoc: 'basic',
    additionalProperties: false,
  });
  const definitions: Record<string, Definition> = {};
  for (const name of DOCUMENTED_TYPES) {
    Object.assign(definitions, generator.createSchema(name).definitions ?? {});
  }
  // A generic's name (Page<SceneListItem>) is no component name: Page_SceneListItem is.
  const componentName = (name: string) => decodeURIComponent(name).replace(/[^A-Za-z0-9._-]+/g, '_').replace(/_$/, '');
  const renamed = Object.fromEntries(Object.entries(definitions).map(([name, schema]) => [componentName(name), schema]));
  const asComponents = JSON.parse(
    JSON.stringify(renamed).replace(/"#\/definitions\/([^"]+)"/g, (_match, name: string) => `"#/components/schemas/${componentName(name)}"`),
  ) as Record<string, Definition>;
  return sortKeys(asComponents) as Record<string, Definition>;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  );
}
