// `npx tsx scripts/write-protocol-schema.ts`: writes protocol.schema.json (beside migrations/,
// at the repository root) from app/protocol.ts. A test fails while the committed file differs.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resourcesDir } from '../main/paths';
import { PROTOCOL_SCHEMA_FILE, protocolJsonSchemaText } from '../main/services/study/protocol-json-schema';

const path = join(resourcesDir(), PROTOCOL_SCHEMA_FILE);
writeFileSync(path, protocolJsonSchemaText());
console.log(`wrote ${path}`);
