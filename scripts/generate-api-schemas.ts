/** `npm run openapi:schemas`: writes the API document's schemas from the TypeScript types. */
import { writeFileSync } from 'node:fs';
import { API_SCHEMAS_FILE, generateApiSchemas } from '../src/web/openapi/generate-schemas';

writeFileSync(API_SCHEMAS_FILE, `${JSON.stringify(generateApiSchemas(), null, 2)}\n`);
process.stdout.write(`wrote ${API_SCHEMAS_FILE}\n`);
