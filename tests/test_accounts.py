"""The account lifecycle on the real server (SQLite and PostgreSQL): an admin disables and opens
again a clinician (their sessions end at once), makes a fresh set-password link (the old link and
the old password stop), sees the last login; a clinician changes their own password (the current
one first; their other sessions end); the command line does the same; every change is in the audit
trail. Passwords too easy to guess are refused with zxcvbn's reason; unknown, pending and disabled
accounts cost one scrypt check each, like a real one."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from planner.app import accounts as accounts_module
from planner.core.exceptions import InputError
from tests.clinics import PASSWORD, Browserless, Clinic

NEW_PASSWORD = "maple seventeen quietly"


@pytest.fixture
def clinic(db_url: str) -> Iterator[Clinic]:
    made = Clinic(db_url)
    made.accounts.add_clinician("North", "jo@north.example", "Jo Bell", PASSWORD, admin=False)
    yield made
    made.loopback.stop()


def trail(clinic: Clinic) -> list[tuple[str, str]]:
    with clinic.app.store.read() as records:
        return [(row.action, row.detail) for row in records.portal.audit_trail(1)]


def jo_id(clinic: Clinic) -> int:
    return clinic.accounts.clinician_named("jo@north.example").id


def admin(clinic: Clinic) -> Browserless:
    north = clinic.client()
    assert north.login("alex@north.example") == 303
    north.request("GET", "/portal/clinicians")
    return north


def test_a_disabled_clinician_is_logged_out_at_once_and_cannot_log_in(clinic: Clinic) -> None:
    jo = clinic.client()
    assert jo.login("jo@north.example") == 303
    north = admin(clinic)
    assert north.request("POST", f"/portal/clinicians/{jo_id(clinic)}/disable", {})[0] == 303
    assert jo.request("GET", "/portal/")[0] == 303  # the live session ended
    assert jo.login("jo@north.example") == 401  # the same answer as a wrong password
    _, _, page = north.request("GET", "/portal/clinicians")
    at = '<time datetime="2026-11-22T09:00:00Z">22 Nov 2026, 09:00 UTC</time>'
    assert re.search(rf"jo@north\.example</td>\s*<td>disabled {at}", page)
    assert north.request("POST", f"/portal/clinicians/{jo_id(clinic)}/enable", {})[0] == 303
    assert jo.login("jo@north.example") == 303
    assert ("clinician-disabled", "jo@north.example") in trail(clinic)
    assert ("clinician-enabled", "jo@north.example") in trail(clinic)
    assert ("login-failed", "account disabled") in trail(clinic)
    # an admin cannot close their own account, nor touch another clinic's clinicians
    alex = clinic.accounts.clinician_named("alex@north.example").id
    assert north.request("POST", f"/portal/clinicians/{alex}/disable", {})[0] == 400
    sam = clinic.accounts.clinician_named("sam@south.example").id
    for what in ("disable", "enable", "reset-link"):
        assert north.request("POST", f"/portal/clinicians/{sam}/{what}", {})[0] == 404
    assert north.request("POST", f"/portal/clinicians/{jo_id(clinic)}/delete", {})[0] == 404
    assert clinic.client().login("sam@south.example") == 303


def test_a_fresh_link_stops_the_old_link_and_the_old_password(clinic: Clinic) -> None:
    jo = clinic.client()
    assert jo.login("jo@north.example") == 303
    north = admin(clinic)
    _, _, page = north.request("POST", f"/portal/clinicians/{jo_id(clinic)}/reset-link", {})
    first = re.search(r"http://127\.0\.0\.1(/portal/set-password/[\w-]+)", page)
    assert first and "the old password no longer work" in page
    _, _, page = north.request("POST", f"/portal/clinicians/{jo_id(clinic)}/reset-link", {})
    second = re.search(r"http://127\.0\.0\.1(/portal/set-password/[\w-]+)", page)
    assert second and second.group(1) != first.group(1)
    assert jo.request("GET", "/portal/")[0] == 303  # sessions ended
    assert jo.login("jo@north.example") == 401  # the old password stopped
    jo.request("GET", first.group(1))
    assert jo.request("POST", first.group(1), {"password": NEW_PASSWORD, "again": NEW_PASSWORD})[0] == 404
    jo.request("GET", second.group(1))
    assert jo.request("POST", second.group(1), {"password": NEW_PASSWORD, "again": NEW_PASSWORD})[0] == 303
    assert jo.login("jo@north.example", NEW_PASSWORD) == 303
    _, _, page = north.request("GET", "/portal/clinicians")
    at = '<time datetime="2026-11-22T09:00:00Z">22 Nov 2026, 09:00 UTC</time>'
    assert re.search(rf"jo@north\.example</td>\s*<td>active</td>\s*<td>{at}", page)
    assert trail(clinic).count(("password-link", "jo@north.example")) == 2


def test_a_clinician_changes_their_own_password_and_other_sessions_end(clinic: Clinic) -> None:
    phone, desk = clinic.client(), clinic.client()
    assert phone.login("jo@north.example") == 303 and desk.login("jo@north.example") == 303
    desk.request("GET", "/portal/password")
    wrong = {"current": "not my password", "password": NEW_PASSWORD, "again": NEW_PASSWORD}
    status, _, page = desk.request("POST", "/portal/password", wrong)
    assert status == 400 and "current password" in page
    weak = {"current": PASSWORD, "password": "password1234", "again": "password1234"}
    status, _, page = desk.request("POST", "/portal/password", weak)
    assert status == 400 and "too easy to guess" in page and "common password" in page
    good = {"current": PASSWORD, "password": NEW_PASSWORD, "again": NEW_PASSWORD}
    status, _, page = desk.request("POST", "/portal/password", good)
    assert status == 200 and "Password changed" in page
    assert desk.request("GET", "/portal/")[0] == 200  # this session goes on
    assert phone.request("GET", "/portal/")[0] == 303  # the other one ended
    assert clinic.client().login("jo@north.example") == 401
    assert clinic.client().login("jo@north.example", NEW_PASSWORD) == 303
    assert ("password-changed", "") in trail(clinic)


@pytest.mark.parametrize("weak", ["aaaaaaaaaaaa", "password1234", "alexmorgan2026", "qwertyuiop12"])
def test_passwords_too_easy_to_guess_are_refused_with_the_reason(clinic: Clinic, weak: str) -> None:
    with pytest.raises(InputError, match=r"password: too easy to guess\. \w"):
        clinic.accounts.add_clinician("North", "kai@north.example", "Alex Morgan", weak, admin=False)


def test_unknown_pending_and_disabled_accounts_cost_one_scrypt_check(
    clinic: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each login answers only after one scrypt check, whatever the account: timing cannot tell a
    pending invitation, a closed account or an unknown e-mail from a wrong password."""
    clinic.accounts.invite(
        clinic.accounts.clinician_named("alex@north.example"),
        "kai@north.example",
        "Kai",
        is_admin=False,
        address="",
    )
    clinic.accounts.set_disabled(None, jo_id(clinic), disabled=True)
    checked: list[str] = []
    real = accounts_module.check_password_hash

    def counted(hashed: str, password: str) -> bool:
        checked.append(hashed.split(":", 1)[0])
        return real(hashed, password)

    monkeypatch.setattr(accounts_module, "check_password_hash", counted)
    for email, password in (
        ("nobody@north.example", PASSWORD),
        ("kai@north.example", ""),
        ("kai@north.example", "!"),
        ("jo@north.example", PASSWORD),
        ("alex@north.example", "wrong password"),
    ):
        with pytest.raises(InputError, match="E-mail or password is wrong"):
            clinic.accounts.login(email, password, "10.0.0.1")
        assert checked == ["scrypt"], email
        checked.clear()


def test_the_command_line_lists_disables_enables_and_resets(run) -> None:
    assert run("clinician", "add", "--clinic", "East", "--email", "ana@east.example", "--link").code == 0
    listed = run("clinician", "list")
    assert listed.code == 0
    assert listed.out == "East\tana@east.example\tana\tclinician\twaiting for its link\tlast login never\n"
    assert run("clinician", "disable", "Ana@East.example").out == "ana@east.example is disabled\n"
    assert "\tdisabled 20" in run("clinician", "list").out
    assert run("clinician", "enable", "ana@east.example").code == 0
    link = run("--base-url", "https://plans.example.org", "clinician", "reset-link", "ana@east.example")
    assert re.fullmatch(r"https://plans\.example\.org/portal/set-password/[\w-]+\n", link.out)
    missing = run("clinician", "disable", "who@east.example")
    assert missing.code == 2 and "no clinician logs in as 'who@east.example'" in missing.err


def test_an_invite_says_nothing_about_another_clinics_accounts(clinic: Clinic, run) -> None:
    """Sam has an account at South. North's admin invites Sam's address and gets the answer any new
    address gets; the link makes Sam a North account with its own password, and South's account
    is untouched: each password opens its own clinic."""
    north = admin(clinic)
    answers = []
    for email, name in (("new@north.example", "Nia New"), ("sam@south.example", "Sam Reid")):
        status, _, page = north.request(
            "POST", "/portal/clinicians", {"what": "invite", "email": email, "name": name}
        )
        answers.append((status, "Account made." in page, "south" in page.replace(email, "").lower()))
        north.request("GET", "/portal/clinicians")
    assert answers[0] == answers[1] == (200, True, False)
    link = re.search(r"http://127\.0\.0\.1(/portal/set-password/[\w-]+)", page)
    assert link
    sam = clinic.client()
    sam.request("GET", link.group(1))
    assert sam.request("POST", link.group(1), {"password": NEW_PASSWORD, "again": NEW_PASSWORD})[0] == 303
    for password, home, other in ((PASSWORD, "South", "North"), (NEW_PASSWORD, "North", "South")):
        client = clinic.client()
        assert client.login("sam@south.example", password) == 303
        _, _, page = client.request("GET", "/portal/")
        assert home in page and other not in page, home
    # the clinic's own accounts: an error that names this clinic only
    status, _, page = north.request(
        "POST", "/portal/clinicians", {"what": "invite", "email": "jo@north.example", "name": "Jo"}
    )
    assert status == 400 and "already has an account in North" in page


def test_the_command_line_names_the_clinic_of_an_address_with_two_accounts(run) -> None:
    for clinic in ("East", "West"):
        assert run("clinician", "add", "--clinic", clinic, "--email", "ana@both.example", "--link").code == 0
    refused = run("clinician", "disable", "ana@both.example")
    assert refused.code == 2 and "has accounts at East, West: name one with --clinic" in refused.err
    assert run("clinician", "disable", "ana@both.example", "--clinic", "West").code == 0
    listed = run("clinician", "list").out.splitlines()
    assert listed[0].startswith("East\tana@both.example") and "waiting for its link" in listed[0]
    assert listed[1].startswith("West\tana@both.example") and "\tdisabled " in listed[1]


def test_one_link_used_twice_at_once_sets_one_password(clinic: Clinic) -> None:
    import threading

    from planner.core.exceptions import NotFound

    token = clinic.accounts.reset_link(None, jo_id(clinic))
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def use(password: str) -> None:
        barrier.wait()
        try:
            clinic.accounts.set_password(token, password, "10.0.0.9")
            outcomes.append("set")
        except NotFound:
            outcomes.append("refused")

    both = [threading.Thread(target=use, args=(p,)) for p in (NEW_PASSWORD, "harbour lantern gravel")]
    for thread in both:
        thread.start()
    for thread in both:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["refused", "set"]


def test_the_password_forms_refuse_mismatches_and_throttle_made_up_links(clinic: Clinic) -> None:
    from planner.app.throttle import LINK_FAILURES

    jo = clinic.client()
    assert jo.login("jo@north.example") == 303
    jo.request("GET", "/portal/password")
    fields = {"current": PASSWORD, "password": NEW_PASSWORD, "again": "something else entirely"}
    status, _, page = jo.request("POST", "/portal/password", fields)
    assert status == 400 and "The two passwords differ" in page
    guesser = clinic.client()
    guesser.request("GET", "/portal/set-password/made-up")
    answers = [
        guesser.request(
            "POST", f"/portal/set-password/made-up-{n}", {"password": NEW_PASSWORD, "again": NEW_PASSWORD}
        )[0]
        for n in range(LINK_FAILURES[0].count + 1)
    ]
    assert answers == [404] * LINK_FAILURES[0].count + [429]
