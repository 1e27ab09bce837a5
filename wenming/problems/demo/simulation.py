"""One demo problem's life: the state it carries and the lifecycle steps it goes through."""

import contextlib
import functools
from datetime import date, datetime, timedelta

from ..lifecycle import HANDLER, OFFICE, TRANSITIONS, guard_ok
from ..models import (
    STAGE_TIMES,
    Source,
)
from ..routing import note_site_text
from .content import (
    EXTENSION_NOTES,
    HOLD_PLANS,
    RECTIFY_NOTES,
    REJECT_NOTES,
    REOPEN_NOTES,
    RETURN_NOTES,
    REWORK_NOTES,
    VERIFY_NOTES,
    E,
    S,
)

# --- one problem's life ---------------------------------------------------------------------


class _Stop(Exception):
    """The simulation reached "now" (or the stage a showcase problem stops at)."""


class _P:
    """A problem being simulated: its fixed facts, then the state its events leave."""

    __slots__ = (
        "created",
        "seq",
        "kind",
        "parent",
        "id",
        "code",
        "year",
        "serial",
        "title",
        "description",
        "category",
        "source",
        "severity",
        "area",
        "point_id",
        "item_id",
        "standard_id",
        "lat",
        "lon",
        "address",
        "reporter",
        "reporter_name",
        "reporter_phone",
        "is_anonymous",
        "deadline_days",
        "owners",
        "force",
        "dup_reject_at",
        # state
        "status",
        "events",
        "unit_id",
        "region_id",
        "deadline",
        "original_deadline",
        *STAGE_TIMES,
        "handling_days",
        "rework",
        "extensions",
        "returns",
        "reopens",
        "also_reported",
        "duplicate_of",
        "recurrence_of",
        "hold_plan",
        "hold_until",
        "ext_until",
        "ext_reason",
        "hold_req_until",
        "hold_req_plan",
        "escalated_at",
        "pending_dups",
        "also_events",
        "event_ids",
        "recurrence_code",
        "held",
    )

    def __init__(self, created: datetime, seq: int, kind: str = "base"):
        self.created, self.seq, self.kind = created, seq, kind
        self.parent = None
        self.force = None
        self.status = S.NEW
        self.events = []
        self.unit_id = self.region_id = None
        self.deadline = self.original_deadline = None
        self.registered_at = self.dispatched_at = self.accepted_at = None
        self.rectified_at = self.closed_at = self.rejected_at = None
        self.held_at = self.reopened_at = self.escalated_at = None
        self.handling_days = None
        self.rework = self.extensions = self.returns = self.reopens = self.also_reported = 0
        self.duplicate_of = self.recurrence_of = None
        self.recurrence_code = None
        self.hold_plan, self.hold_until = "", None
        self.ext_until, self.ext_reason = None, ""
        self.hold_req_until, self.hold_req_plan = None, ""
        self.pending_dups = 0
        self.also_events = []
        self.held = []
        self.event_ids = None
        self.owners = ()
        self.dup_reject_at = None
        self.point_id = self.item_id = self.standard_id = None
        self.reporter = None
        self.reporter_name = self.reporter_phone = ""
        self.is_anonymous = False

    # What lifecycle.guard_ok reads: the requests waiting for the office.
    @property
    def extension_requested_until(self):
        return self.ext_until

    @property
    def hold_requested_until(self):
        return self.hold_req_until

    def __lt__(self, other):  # heap order: creation time, then generation order
        return (self.created, self.seq) < (other.created, other.seq)


class _Lifecycle:
    """The lifecycle steps of `_Generator` (state and helpers come from it)."""

    # -- the lifecycle --

    def check(self, t: datetime) -> None:
        """Stop the simulation at "now": called before a step changes any state."""
        if t > self.now:
            raise _Stop

    def step(self, p: _P, action, actor, t, note="", data=None, unit_id=None, *, by):
        """One move through the lifecycle table, as the services make it.

        The status it leaves and the one it leads to come from `lifecycle.TRANSITIONS`, and
        `by` (the relation acting, None for the system) must be one the table allows, with
        the action's guards: a change to the table changes the demo, or stops it loudly.
        """
        transition = TRANSITIONS.get((p.status, action))
        if transition is None or (by is not None and by not in transition.who):
            raise RuntimeError(
                f"demo: {action} from {p.status} by {by} is not a move of lifecycle.TRANSITIONS"
            )
        if not guard_ok(p, action):
            raise RuntimeError(f"demo: {action} of {p.code} fails its guard (lifecycle.guard_ok)")
        self.record(
            p, action, actor, t, note, data, unit_id, from_status=p.status, to_status=transition.to
        )

    def record(
        self,
        p: _P,
        kind,
        actor,
        t,
        note="",
        data=None,
        unit_id=None,
        *,
        from_status="",
        to_status="",
    ):
        """Append an event row as the services write it (stops at "now" before any change)."""
        self.check(t)
        if actor is None:
            actor_id, name = None, ""
        elif isinstance(actor, str):
            actor_id, name = None, actor
        else:
            actor_id, name = actor["id"], actor["username"]
        p.events.append((kind, from_status, to_status, actor_id, name, t, note, data, unit_id))
        if to_status:
            p.status = to_status

    def handler_actor(self, p: _P):
        """The person (or, without a demo login, the unit's or region's name) who acts."""
        world = self.world
        if p.unit_id is not None:
            return world.unit_officer.get(p.unit_id) or world.unit_name.get(p.unit_id, "")
        officer = world.region_officer.get(p.area.district_id)
        return officer or world.region_name.get(p.region_id, "")

    def simulate(self, p: _P) -> None:
        with contextlib.suppress(_Stop):
            self._life(p)

    def _forced(self, p: _P, status) -> None:
        if p.force == status:
            raise _Stop

    def _life(self, p: _P) -> None:
        rng, office = self.rng, self.world.office
        self.record(
            p,
            E.CREATE,
            p.reporter,
            p.created,
            data={
                "source": p.source,
                "category": p.category["code"],
                "recurrence_of": p.recurrence_code,
            },
            to_status=S.NEW,
        )
        if p.kind == "duplicate":
            parent = p.parent
            self.step(
                p,
                E.REJECT,
                office,
                p.dup_reject_at,
                note=f"与{parent.code}反映的是同一问题",
                data={"duplicate_of": parent.code},
                by=OFFICE,
            )
            p.rejected_at, p.duplicate_of = p.dup_reject_at, parent.id
            return
        self._forced(p, S.NEW)
        t = p.created
        auto = (
            p.source == Source.INSPECTION
            and p.force is None
            and rng.random() < 0.7
            and self.config.auto_dispatch
        )
        if not auto:
            t = self.after(t, rng.uniform(0.3, 10))
            if p.force == S.REJECTED or (p.force is None and rng.random() < 0.035):
                self.step(
                    p,
                    E.REJECT,
                    office,
                    t,
                    note=rng.choice(REJECT_NOTES),
                    data={"duplicate_of": None},
                    by=OFFICE,
                )
                p.rejected_at = t
                return
            self.step(p, E.REGISTER, office, t, by=OFFICE)
            p.registered_at = t
            self._forced(p, S.REGISTERED)
            # Most go out within hours; some wait in the dispatcher's queue for days.
            wait = rng.uniform(0.2, 4) if p.force or rng.random() < 0.95 else rng.uniform(8, 50)
            t = self.after(t, wait)
        t = self._dispatch(p, t, auto=auto)
        if p.force is None and rng.random() < 0.05:  # "not ours": back to the dispatcher
            t = self.after(t, rng.uniform(1, 12))
            self.check(t)
            returning = p.unit_id
            data = {"unit": self._unit_code(p.unit_id), "region": self._region_code(p.region_id)}
            actor = self.handler_actor(p)
            p.unit_id = p.region_id = p.deadline = p.accepted_at = None
            p.returns += 1
            self.step(
                p,
                E.RETURN,
                actor,
                t,
                note=rng.choice(RETURN_NOTES),
                data=data,
                unit_id=returning,
                by=HANDLER,
            )
            t = self._dispatch(
                p,
                self.after(t, rng.uniform(0.5, 8)),
                auto=False,
                returned_by_unit=returning is not None,
            )
        self._forced(p, S.DISPATCHED)
        t = self.after(t, rng.uniform(0.2, 6))
        self.step(p, E.ACCEPT, self.handler_actor(p), t, by=HANDLER)
        p.accepted_at = t
        self._forced(p, S.IN_PROGRESS)
        t = self._handle(p, t)
        self._close(p, t)

    @functools.cached_property
    def auto_note_text(self) -> str:
        return note_site_text({"code": "auto_dispatch", "basis": "rule"})

    def _unit_code(self, unit_id):
        return self.world.unit_code.get(unit_id) if unit_id else None

    def _region_code(self, region_id):
        return self.world.region_code.get(region_id) if region_id else None

    def _dispatch(
        self, p: _P, t: datetime, *, auto: bool, returned_by_unit: bool | None = None
    ) -> datetime:
        """Route by kind: facilities to the owner first, events to the locality first."""
        rng, world = self.rng, self.world
        self.check(t)
        if returned_by_unit is None:
            to_unit = rng.random() < (0.8 if p.category["kind"] == "facility" else 0.35)
        else:  # the office corrects the route: whoever returned it was the wrong kind
            to_unit = not returned_by_unit
        unit_id = region_id = None
        if to_unit:
            unit_id = rng.choice(p.owners) if p.owners else world.owner_of(p.category["code"], rng)
        if unit_id is None:
            region_id = p.area.street_id if rng.random() < 0.85 else p.area.district_id
        p.unit_id, p.region_id = unit_id, region_id
        first = p.deadline is None
        if first:
            p.deadline = self.add_wd(t.date(), p.deadline_days)
        if p.original_deadline is None:
            p.original_deadline = p.deadline
        if p.registered_at is None:
            p.registered_at = t
        p.dispatched_at, p.accepted_at = t, None
        # What `problem_dispatch` writes for the system (routing.SYSTEM_NOTES): the site
        # text as the note, the code in the data, so the timeline follows the reader's language.
        auto_note = {"code": "auto_dispatch", "basis": "rule"}
        self.step(
            p,
            E.DISPATCH,
            None if auto else self.world.office,
            t,
            note=self.auto_note_text if auto else "",
            unit_id=unit_id,
            data={
                "unit": self._unit_code(unit_id),
                "region": self._region_code(region_id),
                "deadline": p.deadline.isoformat(),
                **({"system_note": auto_note} if auto else {}),
            },
            by=None if auto else OFFICE,
        )
        return t

    def _escalate_until(self, p: _P, until: datetime) -> None:
        """The tick escalates a problem overdue by more than N working days (once)."""
        if p.escalated_at is not None or p.deadline is None:
            return
        n = self.config.escalation_working_days
        day = self.add_wd(p.deadline, n + 1)
        moment = datetime(day.year, day.month, day.day, 8, 5)
        if moment < until and moment <= self.now:
            p.escalated_at = moment
            data = {"overdue_working_days": n + 1, "deadline": p.deadline.isoformat()}
            self.record(p, E.ESCALATE, None, moment, data=data)

    def _handle(self, p: _P, t: datetime) -> datetime:
        """Extension, hold, then the fix: on time for most, late for some, very late for a few."""
        rng, office = self.rng, self.world.office
        if p.force == "extension" or (p.force is None and rng.random() < 0.08):
            ask_day = self.add_wd(t.date(), rng.randint(0, max(0, p.deadline_days - 1)))
            ask = self.work_time(min(ask_day, p.deadline), earliest=t)
            if p.force:
                ask = self.after(t, 1)
            until = self.add_wd(p.deadline, rng.randint(3, 10))
            reason = rng.choice(EXTENSION_NOTES)
            self.step(
                p,
                E.REQUEST_EXTENSION,
                self.handler_actor(p),
                ask,
                note=reason,
                data={"deadline": until.isoformat()},
                by=HANDLER,
            )
            p.ext_until, p.ext_reason = until, reason
            if p.force == "extension":
                raise _Stop
            decided = self.after(ask, rng.uniform(1, 16))
            self.check(decided)
            if rng.random() < 0.75:
                p.deadline = until
                p.extensions += 1
                self.step(
                    p,
                    E.APPROVE_EXTENSION,
                    office,
                    decided,
                    data={"deadline": until.isoformat()},
                    by=OFFICE,
                )
            else:
                self.step(
                    p,
                    E.DENY_EXTENSION,
                    office,
                    decided,
                    data={"requested": until.isoformat()},
                    by=OFFICE,
                )
            p.ext_until, p.ext_reason = None, ""  # the office has answered
            t = decided
        slow_category = p.category["kind"] == "facility"
        if p.force == "hold_request":
            until = t.date() + timedelta(days=rng.randint(30, 200))
            self._request_hold(p, self.after(t, 1), until, rng.choice(HOLD_PLANS))
            raise _Stop
        if p.force == S.ON_HOLD or (
            p.force is None and rng.random() < (0.025 if slow_category else 0.006)
        ):
            held = self.work_time(self.add_wd(t.date(), rng.randint(1, 8)), earliest=t)
            if p.force:
                held = self.after(t, 1)
            until = held.date() + timedelta(days=rng.randint(30, 200))
            plan = rng.choice(HOLD_PLANS)
            requested = rng.random() < 0.5  # the handling unit asked for it first
            if requested:
                asked = self.after(t, rng.uniform(0.5, 4))
                self._request_hold(p, asked, until, plan)
                held = max(held, self.after(asked, rng.uniform(1, 16)))
            self._escalate_until(p, held)
            self.step(
                p,
                E.HOLD,
                office,
                held,
                note=plan,
                data={"until": until.isoformat(), "requested": requested},
                by=OFFICE,
            )
            p.hold_req_until, p.hold_req_plan = None, ""  # the office's hold answers it
            p.held_at, p.hold_plan, p.hold_until = held, plan, until
            if p.force == S.ON_HOLD or rng.random() < 0.6:
                raise _Stop  # a long-standing case stays on the books
            resumed = self.work_time(held.date() + timedelta(days=rng.randint(10, 90)))
            deadline = self.add_wd(resumed.date(), p.deadline_days)
            self.step(
                p, E.RESUME, office, resumed, data={"deadline": deadline.isoformat()}, by=OFFICE
            )
            p.deadline, p.hold_until = deadline, None
            t = resumed
        return self._rectify(p, t, first=True)

    def _request_hold(self, p: _P, asked: datetime, until: date, plan: str) -> None:
        """The handler asks the office to put the problem on the books (挂账)."""
        self.step(
            p,
            E.REQUEST_HOLD,
            self.handler_actor(p),
            asked,
            note=plan,
            data={"until": until.isoformat()},
            by=HANDLER,
        )
        p.hold_req_until, p.hold_req_plan = until, plan

    def _fix_day(self, start: date, deadline: date) -> date:
        """When the handler reports the fix, relative to the deadline."""
        rng = self.rng
        left = max(0, self.wd_between(start, deadline))
        u = rng.random()
        if u < 0.62:
            return self.add_wd(start, rng.randint(0, max(0, left - 1)))
        if u < 0.85:
            return max(start, deadline)
        if u < 0.94:
            return self.add_wd(max(start, deadline), rng.randint(1, 5))
        if u < 0.98:
            return self.add_wd(max(start, deadline), rng.randint(6, 25))
        return self.add_wd(max(start, deadline), rng.randint(26, 150))  # chronic

    def _rectify(self, p: _P, t: datetime, *, first: bool) -> datetime:
        rng = self.rng
        day = (
            self._fix_day(t.date(), p.deadline)
            if first
            else self.add_wd(t.date(), rng.randint(1, 4))
        )
        done = self.work_time(day, earliest=t)
        self._escalate_until(p, done)
        if p.force == S.RECTIFIED and done > self.now:
            done = self.after(t, 1)
        self.step(
            p,
            E.RECTIFY,
            self.handler_actor(p),
            done,
            note=rng.choice(RECTIFY_NOTES),
            data={"photos": []},
            by=HANDLER,
        )
        p.rectified_at = done
        p.handling_days = max(0, self.wd_between(p.dispatched_at.date(), done.date()))
        self._forced(p, S.RECTIFIED)
        return done

    def _close(self, p: _P, t: datetime) -> None:
        rng, office = self.rng, self.world.office
        while True:
            checked = self.after(t, rng.uniform(1, 16))
            if p.rework < 3 and rng.random() < (0.12 if p.rework == 0 else 0.2):
                self.step(
                    p,
                    E.VERIFY_FAIL,
                    office,
                    checked,
                    note=rng.choice(REWORK_NOTES),
                    data={"deadline": None},
                    by=OFFICE,
                )
                p.rework += 1
                t = self._rectify(p, checked, first=False)
                continue
            self.step(p, E.VERIFY_PASS, office, checked, note=rng.choice(VERIFY_NOTES), by=OFFICE)
            p.closed_at = checked
            break
        if p.reopens == 0 and rng.random() < 0.012:
            reopened = self.work_time(self.add_wd(checked.date(), rng.randint(1, 18)))
            deadline = self.add_wd(reopened.date(), p.deadline_days)
            self.step(
                p,
                E.REOPEN,
                office,
                reopened,
                note=rng.choice(REOPEN_NOTES),
                data={"deadline": deadline.isoformat()},
                by=OFFICE,
            )
            p.closed_at = None
            p.reopens += 1
            p.reopened_at, p.deadline = reopened, deadline
            t = self._rectify(p, reopened, first=True)
            self._close(p, t)
