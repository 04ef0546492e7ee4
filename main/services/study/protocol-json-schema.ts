// The published JSON Schema of protocol files (protocol.schema.json at the repository root),
// generated from the one zod definition in app/protocol.ts. It describes what a file may hold
// ("input": fields with defaults are optional), for editors and other tools; Verdict itself
// validates with zod and then against the study database.
import { z } from 'zod';
import { PROTOCOL_FORMAT, protocolSchema } from '../../../app/protocol';

export const PROTOCOL_SCHEMA_FILE = 'protocol.schema.json';

export function protocolJsonSchemaText(): string {
  const schema = z.toJSONSchema(protocolSchema, { io: 'input' });
  const published = { ...schema, title: `Verdict reader-study protocol (${PROTOCOL_FORMAT})` };
  return `${JSON.stringify(published, null, 2)}\n`;
}
