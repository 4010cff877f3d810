import { z } from 'zod';
import '../../modules';
import { settingsSchemaFor } from '../../channels/channel-settings';
import { CHANNEL_KINDS } from '../../db/entities';
import { groupsFor } from './settings-fields';
import { settingsFromForm, inputName } from './settings-form';

// Unwraps optional/default/nullable wrappers to the schema underneath.
function inner(s: z.ZodType): z.ZodType {
  let at = s as unknown as { def?: { innerType?: z.ZodType } };
  while (at.def?.innerType) at = at.def.innerType as unknown as typeof at;
  return at as unknown as z.ZodType;
}
function at(schema: z.ZodType, key: string): z.ZodType | null {
  let s: z.ZodType | null = schema;
  for (const part of key.split('.')) {
    const o: z.ZodType | null = s ? inner(s) : null;
    if (!(o instanceof z.ZodObject)) return null;
    s = (o.shape as Record<string, z.ZodType>)[part] ?? null;
  }
  return s;
}

// The form fields are what each channel adapter reads: every field is a key of the channel's
// settings schema, and every key the schema requires has a field.
describe('inbox settings fields follow the channel schemas', () => {
  it.each(CHANNEL_KINDS)('%s', (kind) => {
    const schema = settingsSchemaFor(kind);
    const fields = groupsFor(kind).flatMap((g) => g.fields);
    for (const f of fields) expect({ kind, key: f.key, known: at(schema, f.key) !== null }).toEqual({ kind, key: f.key, known: true });
    const shape = (inner(schema) as z.ZodObject).shape as Record<string, z.ZodType>;
    for (const [key, s] of Object.entries(shape)) {
      if (s.safeParse(undefined).success) continue;
      expect({ kind, key, hasField: fields.some((f) => f.key === key || f.key.startsWith(`${key}.`)) }).toEqual({ kind, key, hasField: true });
    }
  });

  it('reads a filled form into settings the schema accepts; a secret left empty keeps the stored one', () => {
    const body = { [inputName('telegram', 'botToken')]: '', [inputName('telegram', 'botId')]: ' 42 ' };
    const out = settingsFromForm('telegram', body, { botToken: '123456:stored-token', botId: '1' });
    expect(settingsSchemaFor('telegram').parse(out)).toMatchObject({ botToken: '123456:stored-token', botId: '42', apiBaseUrl: 'https://api.telegram.org' });
    const email = settingsFromForm('email', { [inputName('email', 'imap.host')]: '', [inputName('email', 'aliases')]: 'a@x.test\n\n b@x.test ' }, { imap: { host: 'old', user: 'u', pass: 'p' } });
    expect(email.imap).toBeUndefined();
    expect(email.aliases).toEqual(['a@x.test', 'b@x.test']);
  });
});
