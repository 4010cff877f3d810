import type { CliCommand } from './index';

// Commands contributed by channel modules (e.g. import:mbox), merged with the built-in ones.
export const commands: Record<string, CliCommand> = {};
