"""Sign-in lock-out by account *and* client address: a stranger cannot lock the real
user out, colleagues behind one NAT address do not lock each other out, spraying many
user names from one address locks that address, X-Forwarded-For is trusted only behind
configured proxies, and an API token is refused while its account is locked."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client, RequestFactory, override_settings

from lianzhang.core.testing.fixtures import PASSWORD
from lianzhang.core.testing.helpers import api_for
from lianzhang.users.lockout import client_ip

STRANGER, OFFICE, HOME = "203.0.113.9", "10.20.0.1", "198.51.100.7"
LOCKED = (403, 429)


def sign_in(username, password, address, **extra):
    """One sign-in from `address` with a fresh browser; the response."""
    return Client(REMOTE_ADDR=address).post(
        "/login/", {"username": username, "password": password}, **extra)


def signed_in(response):
    return response.status_code == 302 and response["Location"] == "/"


def fail(username, address, times=None, **extra):
    for n in range(settings.AXES_FAILURE_LIMIT if times is None else times):
        sign_in(username, f"wrong-{n}", address, **extra)


def locked(response):
    return response.status_code in LOCKED and "账号已锁定" in response.content.decode()


def test_it_keeps_the_admin_signing_in_while_a_stranger_elsewhere_guesses_his_password(world):
    fail("admin", STRANGER)
    assert locked(sign_in("admin", PASSWORD, STRANGER))  # the guesser himself is stopped
    assert signed_in(sign_in("admin", PASSWORD, OFFICE))
    assert signed_in(sign_in("admin", PASSWORD, HOME))


def test_it_locks_only_the_mistyped_account_at_a_shared_office_address(world):
    fail("town_a", OFFICE)
    assert locked(sign_in("town_a", PASSWORD, OFFICE))
    # Colleagues behind the same NAT address carry on …
    for colleague in ("town_b", "secretariat", "admin"):
        assert signed_in(sign_in(colleague, PASSWORD, OFFICE)), colleague
    # … and the locked officer can still sign in from another network.
    assert signed_in(sign_in("town_a", PASSWORD, HOME))


def test_it_does_not_count_attempts_on_a_locked_account_against_the_office(world):
    """A colleague hammering his locked account must not push the shared address
    towards its own limit."""
    fail("town_a", OFFICE)
    fail("town_a", OFFICE, times=settings.LIANZHANG_LOGIN_ADDRESS_FAILURE_LIMIT)
    total = sum(AccessAttempt.objects.filter(ip_address=OFFICE)
                .values_list("failures_since_start", flat=True))
    assert total == settings.AXES_FAILURE_LIMIT
    assert signed_in(sign_in("town_b", PASSWORD, OFFICE))


@override_settings(LIANZHANG_LOGIN_ADDRESS_FAILURE_LIMIT=12,
                   AXES_LOCKOUT_PARAMETERS=[["username", "ip_address"], "ip_address"])
def test_it_locks_an_address_that_sprays_many_user_names(world):
    for name in ("town_a", "town_b", "ghost"):
        fail(name, STRANGER, times=4)  # below the account limit each time: 12 in all
    response = sign_in("secretariat", PASSWORD, STRANGER)
    assert locked(response) and "_auth_user_id" not in response.client.session
    assert signed_in(sign_in("secretariat", PASSWORD, OFFICE))


def test_it_keeps_the_address_tier_above_what_an_office_produces():
    assert settings.LIANZHANG_LOGIN_ADDRESS_FAILURE_LIMIT >= 10 * settings.AXES_FAILURE_LIMIT
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"], "ip_address"]


def test_it_does_not_let_a_valid_sign_in_wipe_the_guesses_at_another_account(world):
    fail("admin", STRANGER, times=settings.AXES_FAILURE_LIMIT - 1)
    assert signed_in(sign_in("nobody", PASSWORD, STRANGER))  # the attacker's own account
    fail("admin", STRANGER, times=1)
    assert locked(sign_in("admin", PASSWORD, STRANGER))


def test_it_ignores_x_forwarded_for_by_default(world):
    """Without a proxy, the header is the client's own claim: a stranger naming the
    admin's address still only locks his own."""
    fail("admin", STRANGER, HTTP_X_FORWARDED_FOR=OFFICE)
    assert signed_in(sign_in("admin", PASSWORD, OFFICE))
    assert locked(sign_in("admin", PASSWORD, STRANGER))


@override_settings(LIANZHANG_TRUSTED_PROXY_COUNT=1)
def test_it_takes_the_client_address_from_a_trusted_proxy(world):
    proxy = "127.0.0.1"
    # The proxy appends the address it saw; whatever the client wrote before is ignored.
    fail("admin", proxy, HTTP_X_FORWARDED_FOR=f"{OFFICE}, {STRANGER}")
    assert locked(sign_in("admin", PASSWORD, proxy, HTTP_X_FORWARDED_FOR=STRANGER))
    assert signed_in(sign_in("admin", PASSWORD, proxy, HTTP_X_FORWARDED_FOR=OFFICE))
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {STRANGER}


@pytest.mark.parametrize(("proxies", "forwarded", "expected"), [
    (0, "198.51.100.7", "10.0.0.5"),
    (1, "198.51.100.7", "198.51.100.7"),
    (1, "1.2.3.4, 198.51.100.7", "198.51.100.7"),
    (2, "1.2.3.4, 198.51.100.7, 10.0.0.9", "198.51.100.7"),
    (2, "198.51.100.7", "10.0.0.5"),  # shorter than the proxy chain: not via the proxies
    (1, "not-an-address", "10.0.0.5"),
    (1, "", "10.0.0.5"),
    (1, "2001:db8::1", "2001:db8::1"),
])
def test_it_reads_the_client_address_behind_the_configured_proxies(proxies, forwarded, expected):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR=forwarded)
    with override_settings(LIANZHANG_TRUSTED_PROXY_COUNT=proxies):
        assert client_ip(request) == expected


def test_it_refuses_the_api_token_of_an_account_locked_at_that_address(world):
    api = api_for(world, "town_a")
    assert api.get("/api/regions/regions/").status_code == 200
    fail("town_a", "127.0.0.1")  # the API client's address
    response = api.get("/api/regions/regions/")
    assert response.status_code in (401, 403)
    assert "锁定" in response.json()["detail"]
    assert api.post("/api/regions/regions/", {"name": "x"}).status_code in (401, 403)
    # A lock a stranger caused elsewhere does not stop the owner's scripts.
    assert api.get("/api/regions/regions/", REMOTE_ADDR=HOME).status_code == 200
    # The lock ends (cool-off passed or an administrator unlocked): the token works again.
    AccessAttempt.objects.all().delete()
    assert api.get("/api/regions/regions/").status_code == 200
