/**
 * Web seeds become mirrors: every http(s) URL in a watched torrent's BEP 19 `url-list` (or a
 * magnet's `ws`) is registered as a whole-torrent mirror of that torrent, once. A web seed the user
 * removed stays removed (the registry remembers it), and one the outbound guard refuses (a private
 * address in a hostile .torrent) is not registered; each pair is looked at once per process, so a
 * refusal costs no DNS lookup per round (it is tried again after a restart).
 */
import { describeError } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import type { OutboundGuard } from '../../core/outbound-guard.ts';
import type { MirrorRegistry } from '../../store/mirror-registry.ts';
import type { WatchedTorrent } from '../../store/types.ts';

export class WebSeedMirrors {
  /** `infohash url` pairs handled in this process, registered or refused. */
  private readonly handled = new Set<string>();

  constructor(
    private readonly mirrors: MirrorRegistry,
    private readonly guard: OutboundGuard,
    private readonly log?: Logger,
  ) {}

  /** Registers the web seeds not seen before; returns how many mirrors were added. */
  async sync(torrents: readonly WatchedTorrent[], nowMs: number): Promise<number> {
    let added = 0;
    for (const torrent of torrents) {
      for (const webSeed of torrent.webSeeds) {
        const key = `${torrent.infohash} ${webSeed}`;
        if (this.handled.has(key)) continue;
        this.handled.add(key);
        if (this.mirrors.everRegistered(webSeed, torrent.infohash)) continue;
        try {
          const { url } = await this.guard.check(webSeed);
          url.hash = '';
          // The guard may normalise the URL (case, default port): look again under that spelling.
          if (url.href !== webSeed && this.mirrors.everRegistered(url.href, torrent.infohash)) continue;
          const { created } = this.mirrors.add({ url: url.href, infohash: torrent.infohash, label: torrent.label ?? torrent.name, source: 'web_seed' }, nowMs);
          if (created) added += 1;
        } catch (error) {
          // A name that does not resolve now may resolve later: try again next round. A refusal stands.
          if (/does not resolve|resolves to no address/.test(describeError(error))) this.handled.delete(key);
          this.log?.warn({ infohash: torrent.infohash, err: describeError(error) }, 'web seed not registered as a mirror');
        }
      }
    }
    return added;
  }
}
