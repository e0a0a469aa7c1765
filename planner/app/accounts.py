"""The portal's accounts: clinicians and their passwords (scrypt, judged by zxcvbn), logins
throttled in the database (so several server processes agree), server-side sessions with idle and
absolute timeouts, an admin's account lifecycle and clinic settings, and the audit trail every
account change is written to with who, when, what and from where.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

import attrs
from werkzeug.security import check_password_hash, generate_password_hash

from planner.app import throttle
from planner.app.application import App
from planner.app.throttle import Throttled
from planner.core import parsing
from planner.core.exceptions import InputError, NotFound
from planner.store.database import Records
from planner.store.portal_records import Clinician

IDLE = dt.timedelta(minutes=30)
ABSOLUTE = dt.timedelta(hours=12)
TOUCH_EVERY = dt.timedelta(minutes=1)  # a session's last use is written at most this often
FAILURE_WINDOW = dt.timedelta(minutes=15)
ACCOUNT_FAILURES = 5  # failed logins per account in the window before it is refused for a while
ADDRESS_FAILURES = 20  # failed logins per client address in the window
MIN_PASSWORD = 12
MIN_STRENGTH = 3  # zxcvbn's score: 3 is "safely unguessable: moderate protection from an offline attack"
LINK_LIFETIME = dt.timedelta(hours=72)
UNUSABLE = "!"  # a password hash nothing matches: the account waits for its one-time link
# A hash to check against when the e-mail is unknown, so a wrong address takes as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not a password", method="scrypt")


def hash_password(password: str, *known: str) -> str:
    """A scrypt hash of a strong enough password: 12 characters or more, and a zxcvbn score of 3
    ("safely unguessable") at least, judged with what is known of the person (`known`: e-mail,
    name). A refusal says why in zxcvbn's own words."""
    if len(password) < MIN_PASSWORD:
        raise InputError(f"password: at least {MIN_PASSWORD} characters")
    from zxcvbn import zxcvbn

    split = [text.lower().replace("@", " ").split() for text in known]
    words = [word for parts in split for word in parts] + ["".join(parts) for parts in split]
    judged = zxcvbn(password[:100], user_inputs=words)
    if judged["score"] < MIN_STRENGTH:
        feedback = judged["feedback"]
        why = " ".join([feedback["warning"], *feedback["suggestions"]]).strip()
        raise InputError(f"password: too easy to guess. {why or 'Add another word or two.'}")
    return generate_password_hash(password, method="scrypt")


def password_matches(person: Clinician | None, password: str) -> bool:
    """One scrypt check whatever the account: an unknown, pending (no password yet) or disabled
    account costs the same time as a real one, and never matches."""
    usable = person is not None and person.password_hash != UNUSABLE
    good = check_password_hash(person.password_hash if usable and person else _DUMMY_HASH, password)
    return good and usable and person is not None and person.disabled_at is None


def session_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@attrs.define
class Accounts:
    """Accounts, sessions and clinic settings: what an admin or a login touches."""

    app: App

    # -- accounts -------------------------------------------------------------------------------
    def add_clinician(
        self,
        clinic: str,
        email: str,
        name: str,
        password: str | None,
        *,
        admin: bool,
        by: Clinician | None = None,
        address: str = "",
    ) -> tuple[int, str]:
        """A clinician of the clinic (made on first use) and, without a password, a one-time link
        token to set one (valid LINK_LIFETIME). `by`: the admin adding them in the portal."""
        clinic_name = parsing.parse_text(clinic, "clinic", limit=200, required=True)
        login = parse_email(email)
        person = parsing.parse_text(name or login.split("@")[0], "name", limit=200, required=True)
        hashed = hash_password(password, email, name) if password is not None else UNUSABLE
        token = "" if password is not None else secrets.token_urlsafe(32)
        now = self.app.now()
        with self.app.store.write() as records:
            clinic_id = records.portal.clinic_id(clinic_name, now)
            if any(p.clinic_id == clinic_id for p in records.portal.clinicians_by_email(login)):
                # only this clinic's accounts count: another clinic's are never told apart from none
                raise InputError(f"email: {login} already has an account in {clinic_name}")
            clinician_id = records.portal.add_clinician(clinic_id, login, person, hashed, admin, now)
            if token:
                records.portal.add_password_link(session_hash(token), clinician_id, now + LINK_LIFETIME)
            if by is None:
                records.portal.add_audit(
                    now, "clinician-added", who="command line", address="", clinic_id=clinic_id, detail=login
                )
            else:
                audit_by(records, by, now, "clinician-added", address, detail=login)
        return clinician_id, token

    def invite(self, admin: Clinician, email: str, name: str, *, is_admin: bool, address: str) -> str:
        """An admin adds a clinician to their own clinic: the one-time link token to hand over."""
        self._admin(admin)
        _, token = self.add_clinician(
            admin.clinic_name, email, name, None, admin=is_admin, by=admin, address=address
        )
        return token

    def set_password(self, token: str, password: str, address: str) -> None:
        """Spend a one-time link: NotFound when it is unknown, used or expired (such tries are
        throttled per address, like failed logins); a weak password leaves the link unspent."""
        now = self.app.now()
        with self.app.store.write() as records:
            if throttle.over_limit(records, "password-link", address, now, throttle.LINK_FAILURES):
                raise Throttled("Too many unknown or used links from this address: try again later")
            person = records.portal.link_owner(session_hash(token), now)
            if person is None:
                throttle.count(records, "password-link", address, now)
        if person is None:
            raise NotFound("this link is unknown, used or expired: ask your clinic admin for a new one")
        hashed = hash_password(password, person.email, person.name)
        with self.app.store.write() as records:
            if records.portal.use_password_link(session_hash(token), now) is None:
                raise NotFound("this link is unknown, used or expired: ask your clinic admin for a new one")
            records.portal.set_password(person.id, hashed)
            records.portal.end_sessions(person.id, now)
            audit_by(records, person, now, "password-set", address)

    def change_password(self, person: Clinician, token: str, current: str, new: str, address: str) -> None:
        """A clinician's own new password: the current one is required, and every other session of
        theirs ends (this one, `token`, goes on)."""
        if not password_matches(person, current):
            raise InputError("current password: it is not the one you log in with")
        hashed = hash_password(new, person.email, person.name)
        now = self.app.now()
        with self.app.store.write() as records:
            records.portal.set_password(person.id, hashed)
            records.portal.end_sessions(person.id, now, keep=session_hash(token))
            records.portal.revoke_password_links(person.id, now)
            audit_by(records, person, now, "password-changed", address)

    # -- an admin's (or the command line's) account lifecycle --------------------------------------
    def colleague(self, admin: Clinician | None, clinician_id: int) -> Clinician:
        """A clinician of the admin's clinic (any clinic from the command line, admin None)."""
        if admin is not None:
            self._admin(admin)
        with self.app.store.read() as records:
            person = records.portal.clinician(clinician_id)
        if person is None or (admin is not None and person.clinic_id != admin.clinic_id):
            raise NotFound(f"no clinician {clinician_id}")
        return person

    def set_disabled(
        self, admin: Clinician | None, clinician_id: int, *, disabled: bool, address: str = ""
    ) -> Clinician:
        """Close an account (every session of it ends at once) or open it again."""
        person = self.colleague(admin, clinician_id)
        if admin is not None and person.id == admin.id:
            raise InputError("you cannot disable your own account: ask another admin")
        now = self.app.now()
        with self.app.store.write() as records:
            records.portal.set_disabled(person.id, now if disabled else None)
            if disabled:
                records.portal.end_sessions(person.id, now)
            self._audit_change(
                records,
                admin,
                now,
                "clinician-disabled" if disabled else "clinician-enabled",
                address,
                person,
            )
        return person

    def reset_link(self, admin: Clinician | None, clinician_id: int, address: str = "") -> str:
        """A fresh one-time link: the old links and the old password stop, and every session ends."""
        person = self.colleague(admin, clinician_id)
        token = secrets.token_urlsafe(32)
        now = self.app.now()
        with self.app.store.write() as records:
            records.portal.revoke_password_links(person.id, now)
            records.portal.set_password(person.id, UNUSABLE)
            records.portal.end_sessions(person.id, now)
            records.portal.add_password_link(session_hash(token), person.id, now + LINK_LIFETIME)
            self._audit_change(records, admin, now, "password-link", address, person)
        return token

    def clinician_named(self, email: str, clinic: str = "") -> Clinician:
        """The clinician who logs in with this e-mail (at `clinic`, needed when the e-mail has an
        account in several): the command line names them so."""
        with self.app.store.read() as records:
            people = records.portal.clinicians_by_email(parse_email(email))
        people = [p for p in people if not clinic or p.clinic_name == clinic.strip()]
        if not people:
            raise NotFound(
                f"email: no clinician logs in as {email.strip()!r}{f' at {clinic}' if clinic else ''}"
            )
        if len(people) > 1:
            names = ", ".join(p.clinic_name for p in people)
            raise InputError(f"email: {email.strip()!r} has accounts at {names}: name one with --clinic")
        return people[0]

    def all_clinicians(self) -> list[Clinician]:
        """Every clinician of every clinic, for the command line."""
        with self.app.store.read() as records:
            return records.portal.all_clinicians()

    @staticmethod
    def _audit_change(
        records: Records,
        admin: Clinician | None,
        now: dt.datetime,
        action: str,
        address: str,
        person: Clinician,
    ) -> None:
        if admin is None:
            records.portal.add_audit(
                now, action, who="command line", address="", clinic_id=person.clinic_id, detail=person.email
            )
        else:
            audit_by(records, admin, now, action, address, detail=person.email)

    def clinic_settings(self, admin: Clinician) -> tuple[list[Clinician], int, str]:
        """The clinic's clinicians, its silence limit and the time zone its pages' times are in."""
        self._admin(admin)
        with self.app.store.read() as records:
            portal = records.portal
            return (
                portal.clinicians(admin.clinic_id),
                portal.silence_days(admin.clinic_id),
                portal.clinic_zone(admin.clinic_id),
            )

    def zone(self, person: Clinician) -> str:
        """The time zone the portal shows this clinician's clinic's times in."""
        with self.app.store.read() as records:
            return records.portal.clinic_zone(person.clinic_id)

    def set_zone(self, admin: Clinician, text: str, address: str) -> None:
        self._admin(admin)
        zone = parsing.parse_zone(text)
        with self.app.store.write() as records:
            records.portal.set_clinic_zone(admin.clinic_id, zone)
            audit_by(records, admin, self.app.now(), "time-zone", address, detail=zone)

    def set_silence_days(self, admin: Clinician, text: str, address: str) -> None:
        self._admin(admin)
        days = int(text) if text.strip().isdigit() else 0
        if not 2 <= days <= 60:
            raise InputError("silence days: a whole number of days from 2 to 60")
        with self.app.store.write() as records:
            records.portal.set_silence_days(admin.clinic_id, days)
            audit_by(records, admin, self.app.now(), "silence-days", address, detail=str(days))

    @staticmethod
    def _admin(person: Clinician) -> None:
        if not person.is_admin:
            raise NotFound("this page is for the clinic's admins")

    def login(self, email: str, password: str, address: str) -> tuple[Clinician, str]:
        """The clinician and a new session token (a new session id at every login); InputError for
        a wrong e-mail or password, a pending or a disabled account (the same words, the same work:
        one scrypt check per account of the e-mail, one for an unknown e-mail), Throttled after too
        many failures. An e-mail with accounts at several clinics opens the one whose password it is.

        The attempt is written as a failure, under the account's and the address's locks, before the
        password is checked, so parallel attempts never check more than the limit; a right password
        then marks it a success."""
        key = email.strip().lower()[:254]
        now = self.app.now()
        with self.app.store.write() as records:
            records.portal.lock(f"login-account:{key}", f"login-address:{address}")
            throttled = (
                records.portal.failures_since(now - FAILURE_WINDOW, email=key) >= ACCOUNT_FAILURES
                or records.portal.failures_since(now - FAILURE_WINDOW, address=address) >= ADDRESS_FAILURES
            )
            people = records.portal.clinicians_by_email(key)
            if throttled:
                clinic_ids: list[int | None] = [*sorted({p.clinic_id for p in people})] or [None]
                for clinic_id in clinic_ids:
                    records.portal.add_audit(
                        now, "login-throttled", who=key, address=address, clinic_id=clinic_id
                    )
            else:
                attempt = records.portal.record_attempt(key, address, now, False)
        if throttled:
            raise Throttled("Too many failed logins: wait 15 minutes and try again")
        matches = [p for p in people if password_matches(p, password)] if people else []
        if not people:
            password_matches(None, password)  # the same work as for a real account
        person = matches[0] if matches else None
        token = secrets.token_urlsafe(32)
        with self.app.store.write() as records:
            if person is not None:
                records.portal.attempt_succeeded(attempt)
                records.portal.start_session(session_hash(token), person.id, now)
                records.portal.logged_in(person.id, now)
                audit_by(records, person, now, "login", address)
            for failed in people if person is None else []:
                detail = "account disabled" if failed.disabled_at else ""
                records.portal.add_audit(
                    now, "login-failed", who=key, address=address, clinic_id=failed.clinic_id, detail=detail
                )
            if not people:
                records.portal.add_audit(now, "login-failed", who=key, address=address)
        if person is None:
            raise InputError("E-mail or password is wrong")
        return person, token

    def clinician_for(self, token: str) -> Clinician | None:
        """The clinician of a live session, which this use keeps alive; None when it has ended,
        been idle too long or reached its absolute limit. Every portal request asks, so this is a
        read: the session is written only to end it or when its last use would move by more than
        TOUCH_EVERY (so an idle session may end up to that much sooner than IDLE, never later)."""
        now = self.app.now()
        key = session_hash(token)
        with self.app.store.read() as records:
            found = records.portal.session(key)
        if found is None:
            return None
        person, created, seen = found
        ended = now - seen > IDLE or now - created > ABSOLUTE or person.disabled_at is not None
        if ended:
            with self.app.store.write() as records:
                records.portal.end_session(key, now)
            return None
        if now - seen > TOUCH_EVERY:
            with self.app.store.write() as records:
                records.portal.touch_session(key, now)
        return person

    def logout(self, token: str, address: str) -> None:
        now = self.app.now()
        key = session_hash(token)
        with self.app.store.write() as records:
            found = records.portal.session(key)
            records.portal.end_session(key, now)
            if found is not None:
                audit_by(records, found[0], now, "logout", address)

    def audit_trail(
        self, person: Clinician, action: str = "", plan_id: str = ""
    ) -> tuple[list[Any], list[str]]:
        """The latest entries (one action's or one plan's when given) and the actions to filter by."""
        self._admin(person)
        with self.app.store.read() as records:
            portal = records.portal
            return portal.audit_trail(person.clinic_id, action=action, plan_id=plan_id), portal.audit_actions(
                person.clinic_id
            )


def audit_by(
    records: Records,
    person: Clinician,
    now: dt.datetime,
    action: str,
    address: str,
    plan_id: str | None = None,
    detail: str = "",
) -> None:
    """One line of the audit trail for something a clinician did, in the caller's transaction."""
    records.portal.add_audit(
        now,
        action,
        who=person.email,
        address=address,
        clinic_id=person.clinic_id,
        clinician_id=person.id,
        plan_id=plan_id,
        detail=detail,
    )


def parse_email(text: str) -> str:
    address = text.strip().lower()
    local, _, domain = address.partition("@")
    if not local or "." not in domain or len(address) > 254 or any(c.isspace() for c in address):
        raise InputError(f"email: {text!r} is not an e-mail address")
    return address
