import { renderCanned } from './canned-responses';

describe('renderCanned', () => {
  const ctx = { requester: { name: 'Lena Fischer' }, ticket: { number: 1042, subject: 'VAT number' }, agent: { name: 'Bo Berg' } };
  it('fills the known variables, with or without spaces inside the braces', () => {
    expect(renderCanned('Hi {{requester.first_name}}, about #{{ ticket.number }} ({{ticket.subject}}) — {{agent.name}}', ctx)).toBe('Hi Lena, about #1042 (VAT number) — Bo Berg');
    expect(renderCanned('Dear {{requester.name}}', ctx)).toBe('Dear Lena Fischer');
  });
  it('leaves unknown variables visible and greets a nameless requester politely', () => {
    expect(renderCanned('{{requester.phone}} {{requester.name}}', { ...ctx, requester: { name: null } })).toBe('{{requester.phone}} there');
  });
  it('does not escape or interpret markup (it goes into a textarea as text)', () => {
    expect(renderCanned('<b>{{ticket.subject}}</b>', { ...ctx, ticket: { number: 1, subject: 'a < b & c' } })).toBe('<b>a < b & c</b>');
  });
});
