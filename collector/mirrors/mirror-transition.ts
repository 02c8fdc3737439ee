/**
 * A mirror's state machine (issue 8), as a pure function of the previous state and a check:
 * - up → down after `downAfterFailures` consecutive failed checks (one timeout is not an outage);
 *   down → up again is `mirror.back`;
 * - 404, 410 or 451 from a mirror that has been up is a takedown, at once (`mirror.taken_down`;
 *   451 Unavailable For Legal Reasons, RFC 7725, is called out as a legal takedown). From a mirror
 *   never seen up it is only a broken URL, counted as a failure;
 * - a mirror that answers but serves other bytes (a piece hash or a size differs) is
 *   `content_differs`, never `up`; entering or leaving it is `mirror.content_changed`, and so is a
 *   changed ETag, Last-Modified or size while it stays up.
 * Every transition yields a domain event (store/state/domain-events.ts) for the alert rules.
 */
import type { MirrorCheck, MirrorStateName } from '../../store/mirror-check.ts';
import type { Mirror } from '../../store/mirror-registry.ts';
import type { MirrorState } from '../../store/mirror-state-repo.ts';
import type { NewDomainEvent } from '../../store/state/domain-events.ts';

export interface Transition {
  next: MirrorState;
  events: NewDomainEvent[];
}

interface ValidatorChange {
  field: 'etag' | 'lastModified' | 'bytes';
  from: string | number;
  to: string | number;
}

/** Validators that were known before and differ now; an absent one (null) is no evidence of change. */
export function changedValidators(previous: MirrorState, check: Pick<MirrorCheck, 'etag' | 'lastModified' | 'bytes'>): ValidatorChange[] {
  const pairs: [ValidatorChange['field'], string | number | null, string | number | null][] = [
    ['etag', previous.etag, check.etag],
    ['lastModified', previous.lastModified, check.lastModified],
    ['bytes', previous.contentBytes, check.bytes],
  ];
  return pairs.filter(([, from, to]) => from !== null && to !== null && from !== to).map(([field, from, to]) => ({ field, from: from!, to: to! }));
}

function nextState(previous: MirrorState, check: MirrorCheck, failures: number, downAfterFailures: number): MirrorStateName {
  switch (check.outcome) {
    case 'ok':
      return 'up';
    case 'content_differs':
      return 'content_differs';
    case 'gone':
      if (previous.everUp) return 'taken_down';
      break;
    case 'failed':
      break;
  }
  // Failures: a takedown stays a takedown; otherwise down once the failures reach the threshold.
  if (previous.state === 'taken_down' || previous.state === 'down') return previous.state;
  return failures >= downAfterFailures ? 'down' : previous.state;
}

export function transition(mirror: Mirror, previous: MirrorState, check: MirrorCheck, downAfterFailures: number): Transition {
  const answered = check.outcome === 'ok' || check.outcome === 'content_differs';
  const failures = answered ? 0 : previous.consecutiveFailures + 1;
  const state = nextState(previous, check, failures, downAfterFailures);
  const changes = answered ? changedValidators(previous, check) : [];
  const about = {
    url: mirror.url,
    label: mirror.label,
    infohash: mirror.infohash,
    file: mirror.file,
    from: previous.state,
    to: state,
    status: check.status,
    error: check.error?.message ?? null,
    errorKind: check.error?.kind ?? null,
    checkedAt: new Date(check.atMs).toISOString(),
  };
  const event = (type: NewDomainEvent['type'], data: Record<string, unknown>): NewDomainEvent => ({
    type,
    subject: mirror.id,
    data: { ...about, ...data },
    occurredAtMs: check.atMs,
  });
  const content = {
    changes,
    piecesVerified: check.verification?.verified ?? null,
    piecesFailed: check.verification?.failed ?? null,
    sizeMismatches: check.sizeMismatches,
  };

  const events: NewDomainEvent[] = [];
  if (state !== previous.state) {
    if (state === 'down') events.push(event('mirror.down', { consecutiveFailures: failures }));
    else if (state === 'taken_down') {
      events.push(event('mirror.taken_down', { legal: check.legalTakedown, reason: check.legalTakedown ? 'legal takedown (HTTP 451 Unavailable For Legal Reasons)' : `HTTP ${check.status}` }));
    } else if (state === 'up' && (previous.state === 'down' || previous.state === 'taken_down')) events.push(event('mirror.back', {}));
    else if (state === 'content_differs' || previous.state === 'content_differs') {
      events.push(event('mirror.content_changed', { reason: state === 'content_differs' ? 'serves other bytes than the torrent' : 'serves the torrent\'s bytes again', ...content }));
    }
  }
  // Still serving, but the validators moved: the content may have been replaced (and is re-verified).
  if (events.length === 0 && changes.length > 0 && previous.state !== 'unknown') {
    events.push(event('mirror.content_changed', { reason: `changed ${changes.map((change) => change.field).join(', ')}`, ...content }));
  }

  const next: MirrorState = {
    ...previous,
    state,
    stateSinceMs: state === previous.state ? previous.stateSinceMs : check.atMs,
    consecutiveFailures: failures,
    everUp: previous.everUp || check.outcome === 'ok' || check.outcome === 'content_differs',
    etag: answered ? check.etag : previous.etag,
    lastModified: answered ? check.lastModified : previous.lastModified,
    contentBytes: answered ? check.bytes : previous.contentBytes,
    verifiedAtMs: check.verification && check.verification.pieces.length > 0 ? check.atMs : previous.verifiedAtMs,
    lastCheck: check,
  };
  return { next, events };
}
