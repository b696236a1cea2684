"""Delivering the outbox (contract section 11): claim what is due, send it, schedule the retries.

Claiming is one guarded UPDATE that counts the attempt and pushes `next_attempt_at` forward by a
lease (noted in `leased_until` until the outcome is recorded): of several workers (on
PostgreSQL, which also skips rows another worker has locked) only one can win a message, and a
message whose worker died mid-attempt is simply due again when the lease runs out. Delivery is
therefore at least once; partners deduplicate on the message id.

Each tenant's claimed messages go to a thread of their own, and a tenant with messages in flight
is not claimed for again until they are done: a partner that is slow or silent (every attempt is
bounded by its timeout) delays only its own messages, never another tenant's.
"""

import logging
import signal
import threading
import time
from collections import Counter
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor
from concurrent.futures import wait as wait_for
from dataclasses import dataclass, replace
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError

from webapp import metrics
from webapp.extensions import db
from webapp.models import OutboxMessage, utcnow
from webapp.outbox import mail as mailer
from webapp.outbox import webhooks
from webapp.outbox.lease import lease_seconds
from webapp.tenants import registry

log = logging.getLogger(__name__)

SENDERS = {"email": mailer.deliver, "webhook": webhooks.deliver}
BATCH = 10  # messages a tenant's thread takes per claim, delivered one after another
MAX_THREADS = 32
POLL_SECONDS = 1.0
ERROR_LENGTH = 500


@dataclass(frozen=True)
class Claimed:
    id: str
    kind: str
    tenant: str
    payload: dict
    attempts: int  # counting this one; only the holder of this count may record the outcome


def retry_delay(attempts, base_seconds, horizon_seconds):
    """Seconds from a message's `attempts`-th failed attempt to its next, or None: give up.

    Attempts are planned at 0, base, 3 base, 7 base, ... after the first (the gaps doubling), and
    the last exactly at the horizon. Gaps are counted from each actual attempt, so a worker that
    was down only ever stretches the schedule."""
    base = max(base_seconds, 1)

    def planned(attempt):
        return min(base * (2 ** min(attempt - 1, 64) - 1), horizon_seconds)

    if planned(attempts) >= horizon_seconds:
        return None
    return planned(attempts + 1) - planned(attempts)


def _due(now):
    return (OutboxMessage.status == "pending") & (OutboxMessage.next_attempt_at <= now)


class Worker:
    """Hands the due messages of each idle tenant to a thread; `clock` gives naive UTC times.
    Once `stop` is set, messages claimed but not yet tried are handed back untouched."""

    def __init__(self, app, clock=utcnow, stop=None):
        self.app = app
        self.clock = clock
        self.stop = stop or threading.Event()
        config = app.config
        self.base = config["OUTBOX_RETRY_BASE_SECONDS"]
        self.horizon = config["OUTBOX_RETRY_HOURS"] * 3600
        with app.app_context():
            threads = min(MAX_THREADS, sum(1 for _ in registry()) + 1)
        self.pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="outbox")
        self.busy = {}  # tenant slug -> future of its batch
        self.outcomes = Counter()

    def dispatch(self):
        """Claim for every tenant with nothing in flight; return how many messages were claimed."""
        self._collect()
        now = self.clock()
        tenants = db.session.execute(select(OutboxMessage.tenant).where(_due(now)).distinct())
        claimed = 0
        for slug in [slug for slug in tenants.scalars() if slug not in self.busy]:
            batch = self._claim(slug, now)
            if batch:
                claimed += len(batch)
                self.busy[slug] = self.pool.submit(self._deliver_batch, batch)
        db.session.commit()  # end the read transaction: a poller should hold no snapshot open
        return claimed

    def drain(self):
        """Wait for everything in flight."""
        wait_for(list(self.busy.values()))
        self._collect()

    def pause(self, seconds):
        """Wait until a tenant's batch is done (it may have more due) or `seconds` pass."""
        if self.busy:
            wait_for(list(self.busy.values()), timeout=seconds, return_when=FIRST_COMPLETED)
        else:
            self.stop.wait(seconds)

    def close(self):
        self.drain()
        self.pool.shutdown()

    def _collect(self):
        for slug, future in list(self.busy.items()):
            if future.done():
                del self.busy[slug]
                if future.exception() is not None:  # the lease will bring these messages back
                    log.error(
                        "outbox: delivering for tenant %s broke off",
                        slug,
                        exc_info=future.exception(),
                    )
                else:
                    self.outcomes.update(future.result())

    def _claim(self, slug, now):
        found = db.session.execute(
            select(OutboxMessage.id, OutboxMessage.kind)
            .where(_due(now), OutboxMessage.tenant == slug)
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.created_at)
            .limit(BATCH)
            .with_for_update(skip_locked=True)
        ).all()
        if not found:
            return []
        candidates = [row.id for row in found]
        lease = timedelta(seconds=lease_seconds(self.app.config, [row.kind for row in found]))
        rows = db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(candidates), _due(now))
            .values(
                attempts=OutboxMessage.attempts + 1,
                next_attempt_at=now + lease,
                leased_until=now + lease,
            )
            .returning(
                OutboxMessage.id,
                OutboxMessage.kind,
                OutboxMessage.tenant,
                OutboxMessage.payload,
                OutboxMessage.attempts,
            )
            .execution_options(synchronize_session=False)
        ).all()
        db.session.commit()
        return sorted((Claimed(*row) for row in rows), key=lambda m: candidates.index(m.id))

    def _deliver_batch(self, batch):
        with self.app.app_context():
            return [
                self._release(message) if self.stop.is_set() else self._deliver(message)
                for message in batch
            ]

    def _release(self, message):
        """Give back a claimed message that was not tried: as it was, and due now."""
        return self._record(
            message, "released", attempts=message.attempts - 1, next_attempt_at=self.clock()
        )

    def _deliver(self, message):
        payload = self._still_due(message)
        if payload is None:
            log.info(
                "outbox: %s %s for tenant %s dropped before sending (its customer was erased)",
                message.kind,
                message.id,
                message.tenant,
            )
            metrics.delivered(message.kind, "dropped")
            return "dropped"
        message = replace(message, payload=payload)
        try:
            tenant = registry().get(message.tenant)
            if tenant is None:
                raise LookupError(f"tenant '{message.tenant}' is not in the tenants file")
            sender = SENDERS.get(message.kind)
            if sender is None:
                raise LookupError(f"no sender for messages of kind '{message.kind}'")
            sender(tenant, message.id, message.payload)
        except Exception as error:  # noqa: BLE001 - any failure is retried, and recorded
            db.session.rollback()
            return self._failed(message, error)
        log.info(
            "outbox: %s %s for tenant %s sent, attempt %d",
            message.kind,
            message.id,
            message.tenant,
            message.attempts,
            extra={
                "fields": {
                    "message_id": message.id,
                    "kind": message.kind,
                    "tenant": message.tenant,
                    "outcome": "sent",
                    "attempts": message.attempts,
                }
            },
        )
        return self._record(message, "sent", status="sent", sent_at=self.clock(), last_error=None)

    def _still_due(self, message):
        """The message's payload as it stands now, or None if it is no longer this claim's to
        send. Batches wait for the messages before them: an erasure meanwhile deletes the mail
        to the customer and blanks the customer in the webhooks, and that must hold for a
        message claimed before it."""
        payload = db.session.scalar(
            select(OutboxMessage.payload).where(
                OutboxMessage.id == message.id,
                OutboxMessage.attempts == message.attempts,
                OutboxMessage.status == "pending",
            )
        )
        db.session.commit()  # no snapshot held open while the message is sent
        return payload

    def _failed(self, message, error):
        text = f"{type(error).__name__}: {error}"[:ERROR_LENGTH]
        fields = {
            "message_id": message.id,
            "kind": message.kind,
            "tenant": message.tenant,
            "attempts": message.attempts,
            "error": text,
            "outcome": "retry",
        }
        delay = retry_delay(message.attempts, self.base, self.horizon)
        if delay is None:
            log.error(
                "outbox: %s %s for tenant %s failed for good after %d %s: %s",
                message.kind,
                message.id,
                message.tenant,
                message.attempts,
                "attempt" if message.attempts == 1 else "attempts",
                text,
                extra={"fields": {**fields, "outcome": "failed"}},
            )
            return self._record(message, "failed", status="failed", last_error=text)
        retry_at = self.clock() + timedelta(seconds=delay)
        # A failure of the code itself (not of the network or the partner) keeps its traceback.
        expected = isinstance(error, (OSError, LookupError, webhooks.WebhookRejected))
        log.warning(
            "outbox: %s %s for tenant %s, attempt %d failed, retry at %sZ: %s",
            message.kind,
            message.id,
            message.tenant,
            message.attempts,
            retry_at.isoformat(timespec="seconds"),
            text,
            exc_info=None if expected else error,
            extra={"fields": fields},
        )
        return self._record(message, "retry", next_attempt_at=retry_at, last_error=text)

    def _record(self, message, outcome, **values):
        # Guarded by the attempt count: a worker whose lease ran out cannot overwrite the outcome
        # of the worker that claimed the message after it.
        db.session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id == message.id,
                OutboxMessage.attempts == message.attempts,
                OutboxMessage.status == "pending",
            )
            .values(leased_until=None, **values)
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
        metrics.delivered(message.kind, outcome)
        return outcome


def run_once(app, now=None):
    """Deliver what is due now (or at `now`, naive UTC) and return a Counter of the outcomes:
    'sent', 'retry' (tried, and due again later) and 'failed' (given up)."""
    worker = Worker(app, (lambda: now) if now is not None else utcnow)
    try:
        with app.app_context():
            # A failed attempt is always rescheduled after the round's time, so this ends.
            while worker.dispatch():
                worker.drain()
    finally:
        worker.close()
    return worker.outcomes


HOUSEKEEPING_SECONDS = 3600


def _housekeeping(tasks, last):
    """Run each of `tasks` if an hour has passed since `last` (monotonic seconds, or None at the
    start); the time they ran, or `last`. A task that fails is logged and tried next hour."""
    now = time.monotonic()
    if last is not None and now - last < HOUSEKEEPING_SECONDS:
        return last
    for task in tasks:
        try:
            task()
        except Exception:  # noqa: BLE001 - the deliveries go on; the next hour may fare better
            db.session.rollback()
            log.exception("housekeeping: %s failed", getattr(task, "__name__", task))
    return now


def run_forever(app, stop=None, hourly=()):
    """Deliver what falls due until `stop` is set, or until SIGTERM or SIGINT when it is None,
    and run the `hourly` tasks at the start and every hour. Stopping finishes the attempts in
    flight and hands the rest of each batch back."""
    if stop is None:
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
    worker = Worker(app, stop=stop)
    log.info("outbox: worker started")
    unreachable = None  # why the database could not be used, while it cannot
    kept = None  # when the hourly tasks last ran
    try:
        with app.app_context():
            while not stop.is_set():
                kept = _housekeeping(hourly, kept)
                try:
                    worker.dispatch()
                except OperationalError as error:  # the database may be back at the next poll
                    db.session.rollback()
                    why = " ".join(str(error.orig).split())
                    if why != unreachable:  # one line an outage, not a traceback a second
                        log.error(
                            "outbox: cannot use the database, trying every %.0f s: %s",
                            POLL_SECONDS,
                            why,
                        )
                    unreachable = why
                except Exception:  # noqa: BLE001 - the next poll may fare better
                    db.session.rollback()
                    log.exception("outbox: could not claim messages")
                else:
                    if unreachable is not None:
                        log.info("outbox: the database answers again")
                    unreachable = None
                worker.pause(POLL_SECONDS)
    finally:
        worker.close()
        done = ", ".join(f"{outcome}: {n}" for outcome, n in worker.outcomes.items())
        log.info("outbox: worker stopped (%s)", done or "nothing delivered")


def pending_or_failed():
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.status.in_(("pending", "failed")))
        .order_by(OutboxMessage.status, OutboxMessage.next_attempt_at)
    )
    return db.session.execute(query).scalars().all()


def retry_now(message_id, now=None):
    """Make a message due now, whatever its status: it is sent again, once more for a message that
    has used up its retries. Returns "due", "in flight" (a worker holds it under its lease: making
    it due would let a second worker send it too, so it is left alone), or None when there is no
    such message."""
    now = now or utcnow()
    held = OutboxMessage.leased_until.is_not(None) & (OutboxMessage.leased_until > now)
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, ~held)
        .values(status="pending", next_attempt_at=now, leased_until=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if result.rowcount == 1:
        return "due"
    exists = db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.id == message_id))
    return None if exists is None else "in flight"
