import type { ChannelAdapter, RawParser } from '../channels/inbound-message';

// rawType → parser, filled by each channel adapter at start-up.
export class ParserRegistry {
  private parsers = new Map<string, RawParser>();

  register(adapter: ChannelAdapter): void {
    for (const [rawType, parser] of Object.entries(adapter.parsers)) this.parsers.set(rawType, parser);
  }

  get(rawType: string): RawParser {
    const p = this.parsers.get(rawType);
    if (!p) throw new Error(`No parser is registered for items of type ${rawType}`);
    return p;
  }
}
