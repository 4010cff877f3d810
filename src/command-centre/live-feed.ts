import type { Server } from 'socket.io';
import { rooms } from '../realtime/rooms';
import type { SocketData } from '../realtime/socket-server';
import type { Services } from '../services';
import { presentLiveBoard } from './live-board.presenter';
import { computeLiveFigures, type LiveFigures } from './live-figures';
import { renderLiveBoard } from './live-board.render';
import { LOCALES } from '../i18n/locale';
import { reportText } from '../reports/report-text';

export interface LiveFeed {
  // Something the board shows may have changed: a refresh follows soon, once for any burst.
  poke(): void;
  // Resolves once no refresh is waiting or running (tests, shutdown).
  idle(): Promise<void>;
  // Boards computed and pushed so far on this node.
  readonly refreshes: number;
  stop(): Promise<void>;
}

export interface LiveFeedOptions {
  // How long a burst of changes is gathered before the board is computed once for all of them.
  delayMs?: number;
  // Ages and deadlines move with the clock: watched boards are refreshed this often regardless.
  tickMs?: number;
  // Whether a room has a member on any node (the cluster's membership view): without it, each
  // refresh asks every node for the room's sockets.
  inUse?: (room: string) => boolean;
}

// Agents with a socket open on any node (the command centre's "signed in" column).
export async function onlineAgents(io: Server | undefined): Promise<Set<number> | null> {
  if (!io) return null;
  const out = new Set<number>();
  for (const so of await io.in(rooms.agents).fetchSockets()) {
    const v = (so.data as SocketData).viewer;
    if (v?.kind === 'agent') out.add(v.agentId);
  }
  return out;
}

export async function liveBoard(s: Services, io: Server | undefined, locale = 'en'): Promise<{ figures: LiveFigures; board: ReturnType<typeof presentLiveBoard> }> {
  const figures = await computeLiveFigures(s.db.m, s.now(), await onlineAgents(io));
  return { figures, board: presentLiveBoard(figures, reportText(locale), locale) };
}

// The pushed board in every language (a handful, and each is one template run): each screen
// swaps in the one of its page's language; `html` stays the English one.
const boardsByLocale = (figures: LiveFigures) => Object.fromEntries(LOCALES.map((l) => [l, renderLiveBoard(presentLiveBoard(figures, reportText(l), l))]));

// One computation per burst for every screen watching, however many events the burst had and
// however many screens there are: changes only mark the board dirty; a single timer computes it
// and pushes the same figures to the command-centre room (through the adapter, so screens on
// other nodes see changes made here).
export function startLiveFeed(s: Services, io: Server, opts: LiveFeedOptions = {}): LiveFeed {
  const delayMs = opts.delayMs ?? 250;
  const tickMs = opts.tickMs ?? 30_000;
  const clustered = !!s.config.REDIS_URL || s.config.isPostgres;
  const localWatchers = () => (io.of('/').adapter.rooms.get(rooms.commandCentre)?.size ?? 0) > 0;
  let dirty = false;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let refreshes = 0;

  const watched = async () => opts.inUse ? opts.inUse(rooms.commandCentre) : localWatchers() || (clustered && (await io.in(rooms.commandCentre).fetchSockets()).length > 0);

  async function push(local: boolean) {
    const { figures } = await liveBoard(s, io);
    const htmlByLocale = boardsByLocale(figures);
    const payload = { at: figures.at, html: htmlByLocale.en, htmlByLocale, figures };
    refreshes++;
    (local ? io.local : io).to(rooms.commandCentre).emit('live.figures', payload);
  }

  function schedule() {
    if (stopped || timer || running || !dirty) return;
    timer = setTimeout(flush, delayMs);
    timer.unref();
  }

  function flush() {
    timer = null;
    dirty = false;
    running = (async () => {
      if (await watched()) await push(false);
    })()
      .catch((err) => s.logger.warn({ err }, 'command centre refresh failed'))
      .finally(() => {
        running = null;
        schedule();
      });
  }

  // The clock tick serves this node's screens only: every node ticks for its own.
  const tick = setInterval(() => {
    if (stopped || running || !localWatchers()) return;
    running = push(true).catch((err) => s.logger.warn({ err }, 'command centre refresh failed')).finally(() => {
      running = null;
      schedule();
    });
  }, tickMs);
  tick.unref();

  return {
    poke() {
      if (stopped) return;
      dirty = true;
      schedule();
    },
    get refreshes() {
      return refreshes;
    },
    async idle() {
      while (timer || running) await (running ?? new Promise((r) => setTimeout(r, delayMs)));
    },
    async stop() {
      stopped = true;
      clearInterval(tick);
      if (timer) clearTimeout(timer);
      timer = null;
      await running;
    },
  };
}
