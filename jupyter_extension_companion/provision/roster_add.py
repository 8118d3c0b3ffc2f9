"""Adding students to :class:`~.roster.Roster`: ``add`` and the batch ``add_many`` (validate
every entry, one ``useradd`` each, ONE ``chpasswd``, ONE hub call, rollback if the hub refuses)."""

from __future__ import annotations

import builtins
from collections.abc import Iterable

from .audit import FAILED, NOTHING_TO_CHANGE, OK, REFUSED
from .changes import Progress
from .classes import GroupListing
from .errors import ClassroomError
from .passwords import generate_password, password_problem
from .roster_base import RosterBase
from .roster_types import NOTHING, AddResult, Credentials, NewStudent
from .system_accounts import _gecos_problem
from .usernames import USERNAME_RE, UsernameRefused, check_username


class RosterAdding(RosterBase):
    """``add``/``add_many`` of :class:`~.roster.Roster`."""

    def add(
        self,
        name: str,
        password: str | None = None,
        full_name: str | None = None,
        teacher: bool = False,
    ) -> Credentials:
        """Create the student (system account, ``~/notebooks``, password, hub user).

        Raises :class:`ClassroomError` if the input is refused or a step fails (nothing is
        left half-made). See the :mod:`.roster` docstring for existing accounts.
        """
        results, errors = self._add_batch([NewStudent(name, full_name, password)], None, teacher)
        if not results[0].ok:
            raise errors[0]
        return results[0].credentials()

    def add_many(
        self,
        entries: Iterable[NewStudent],
        progress: Progress | None = None,
        *,
        teacher: bool = False,
    ) -> builtins.list[AddResult]:
        """Add many students in one batch; one :class:`AddResult` per entry, in order.

        Every entry is validated before the first command runs; refused entries are reported
        and the others go ahead. Missing passwords are generated. If the hub refuses the batch,
        the accounts it created are deleted again and every entry reports the failure.
        """
        results, _errors = self._add_batch(list(entries), progress, teacher)
        return results

    def _add_batch(
        self, entries: builtins.list[NewStudent], progress: Progress | None, teacher: bool
    ) -> tuple[builtins.list[AddResult], dict[int, ClassroomError]]:
        report = progress or (lambda message, fraction: None)
        report("checking the list", 0.0)
        accounts = self.accounts.read_all()
        uids = {a.name: a.uid for a in accounts.values()}
        if len(entries) <= 5:  # a few names: ask for each rather than list the whole hub
            found = (self.hub.get_user(e.name) for e in entries
                     if isinstance(e.name, str) and USERNAME_RE.fullmatch(e.name))
            hub_users = {u["name"]: u for u in found if u is not None}
        else:
            hub_users = {u["name"]: u for u in self.hub.list_users()}
        results: dict[int, AddResult] = {}
        errors: dict[int, ClassroomError] = {}
        seen: set[str] = set()
        # (index, entry, needs a new system account, needs a new hub user)
        plan: builtins.list[tuple[int, NewStudent, bool, bool]] = []

        def fail(i: int, entry: NewStudent, exc: ClassroomError, prefix: str = "") -> None:
            errors[i] = exc
            results[i] = AddResult(entry.name, entry.full_name, False, None, False,
                                   prefix + exc.message)

        for i, entry in enumerate(entries):
            try:
                self._check_entry(entry, uids, seen)
            except ClassroomError as exc:
                fail(i, entry, exc)
                continue
            seen.add(entry.name)
            plan.append((i, entry, entry.name not in accounts, entry.name not in hub_users))

        # 1. system accounts: one useradd each
        to_create = [(e.name, e.full_name) for _, e, new_account, _ in plan if new_account]
        created: builtins.list[str] = []
        if to_create:
            made = self.accounts.create_many(
                to_create, progress=lambda m, f: report(m, 0.05 + 0.75 * (f or 0))
            )
            kept = []
            for item in plan:
                i, entry, new_account, _ = item
                error = made.get(entry.name) if new_account else None
                if error is not None:
                    fail(i, entry, error, "Creating the account failed: ")
                    continue
                if new_account:
                    created.append(entry.name)
                kept.append(item)
            plan = kept

        # 2. passwords: ONE chpasswd; 3. hub users: ONE POST /users
        passwords: dict[str, tuple[str, bool]] = {}
        for _, entry, new_account, _ in plan:
            if entry.password is not None:
                passwords[entry.name] = (entry.password, False)
            elif new_account or not accounts[entry.name].has_password:
                passwords[entry.name] = (generate_password(), True)
        to_hub = [e.name for _, e, _, new_hub in plan if new_hub]
        try:
            if passwords:
                report(f"setting {len(passwords)} passwords", 0.85)
                self.accounts.set_passwords({n: p for n, (p, _) in passwords.items()})
            if to_hub:
                report(f"adding {len(to_hub)} users to the hub", 0.9)
                self.hub.add_users(to_hub, admin=teacher)
            if teacher:
                for _, entry, _, new_hub in plan:
                    if not new_hub and not hub_users[entry.name].get("admin"):
                        self.hub.set_admin(entry.name, True)
        except ClassroomError as exc:
            self._rollback(created, to_hub)
            for i, entry, _, _ in plan:
                fail(i, entry, exc, "Nothing was created: ")
            plan = []

        for i, entry, new_account, new_hub in plan:
            password, generated = passwords.get(entry.name, (None, False))
            if new_account:
                message = "created"
            elif new_hub:
                message = "existing system account added to the hub"
            elif password is not None:
                message = "exists already; password set"
            else:
                message = f"exists already: {NOTHING}"
            changed = bool(new_account or new_hub or password is not None)
            results[i] = AddResult(entry.name, entry.full_name, True, password, generated,
                                   message, changed)

        self._hub_cache.invalidate()
        GroupListing.invalidate()
        ordered = [results[i] for i in range(len(entries))]
        for i, result in enumerate(ordered):
            self._audit_add(result, errors.get(i))
        report("done", 1.0)
        return ordered, errors

    def _audit_add(self, result: AddResult, error: ClassroomError | None) -> None:
        if result.ok:
            outcome, reason, code = (OK if result.changed else NOTHING_TO_CHANGE), "", ""
        else:
            outcome = REFUSED if isinstance(error, UsernameRefused) or (
                error is not None and error.status < 500) else FAILED
            reason, code = result.message, error.code if error is not None else ""
        self.audit.record(self.actor, "user.add", result.username, outcome, reason, code,
                          message=result.message, generated=result.generated,
                          full_name=result.full_name)

    def _check_entry(self, entry: NewStudent, uids: dict[str, int], seen: set[str]) -> None:
        check_username(entry.name, accounts=uids, taken=seen | set(uids), full_name=entry.full_name)
        if entry.name in seen:
            raise ClassroomError(f"{entry.name!r} appears twice in the list: keep one.",
                                 code="duplicate")
        if entry.full_name:
            problem = _gecos_problem(entry.full_name)
            if problem:
                raise ClassroomError(problem, code="bad_full_name")
        if entry.password is not None:
            problem = password_problem(entry.password)
            if problem:
                raise ClassroomError(problem, code="bad_password")

    def _rollback(self, created: builtins.list[str], to_hub: builtins.list[str]) -> None:
        """Undo a failed batch: hub users it made, then the accounts it made (no archive:
        they are new and empty)."""
        for name in to_hub:
            try:
                if self.hub.get_user(name) is not None:
                    self.hub.delete_user(name)
            except ClassroomError:
                pass
        for name in created:
            try:
                self.accounts.delete(name, archive=False)
            except ClassroomError:
                pass
