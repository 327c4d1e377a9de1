"""Every signed-in user changes his own password: linked from the user menu, the
project's validators with Chinese messages, this session kept (other sessions end),
audited without the hash, nothing written on bad input, and wrong current passwords
count towards the sign-in lock."""

import re

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.test import Client

from lianzhang.core.models import ObjectChange
from lianzhang.core.testing.fixtures import PASSWORD
from lianzhang.core.testing.helpers import Snapshot, client_for

PAGE = "/account/password/"
NEW = "Jiulong-经发办-2026"


def errors(response):
    return re.findall(r'invalid-feedback d-block">(.*?)</div>', response.content.decode())


def change(client, old=PASSWORD, new1=NEW, new2=None):
    return client.post(PAGE, {"old_password": old, "new_password1": new1,
                              "new_password2": new1 if new2 is None else new2})


def test_it_links_the_page_from_the_user_menu_for_every_role(world):
    for name in ("nobody", "readonly", "town_a", "admin"):
        page = client_for(world, name).get("/").content.decode()
        assert f'href="{PAGE}"' in page and "修改密码" in page, name
        assert client_for(world, name).get(PAGE).status_code == 200, name


def test_it_sends_anonymous_visitors_to_sign_in(db):
    response = Client().get(PAGE)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_it_changes_the_password_keeps_this_session_and_ends_the_others(world):
    client, other_device = client_for(world, "town_a"), client_for(world, "town_a")
    response = change(client)
    assert response.status_code == 302 and response["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200 and "密码已修改" in home.content.decode()
    user = world.user("town_a")
    assert user.check_password(NEW) and not user.check_password(PASSWORD)
    # The other device was signed in with the old password: it is signed out.
    assert other_device.get("/").status_code == 302
    # Sign-in now takes the new password only.
    assert Client().post("/login/", {"username": "town_a", "password": PASSWORD}
                         ).status_code == 200
    assert Client().post("/login/", {"username": "town_a", "password": NEW}
                         ).status_code == 302


def test_it_audits_the_change_without_the_password(world):
    before = ObjectChange.objects.count()
    change(client_for(world, "town_a"))
    record = ObjectChange.objects.latest("pk")
    assert ObjectChange.objects.count() == before + 1
    assert (record.action, record.object_id) == ("update", str(world.users["town_a"].pk))
    assert record.user_name == "town_a" and record.request_id is not None
    assert [field for field, _old, _new in record.diff()] == ["password_changed"]
    assert "password" not in record.postchange_data
    stored = get_user_model().objects.get(username="town_a").password
    assert not any(stored in str(c.postchange_data) for c in ObjectChange.objects.all())


@pytest.mark.parametrize(("data", "message"), [
    ({"old": "not-my-password"}, "你的旧密码不正确。请重新输入。"),
    ({"new2": "Jiulong-经发办-2027"}, "输入的两个密码不一致。"),
    ({"new1": "Ab1!xyz"}, "密码太短，至少需要 10 个字符。"),
    ({"new1": "password123"}, "这个密码太常见了。"),
    ({"new1": "83746592018374"}, "密码只包含数字。"),
    ({"new1": "town_a_2024"}, "密码跟 用户名 太相似了。"),
    ({"new1": PASSWORD}, "新密码不能与当前密码相同。"),
    ({"old": "", "new1": "", "new2": ""}, "该字段是必填项。"),
])
def test_it_refuses_bad_input_in_chinese_and_writes_nothing(world, data, message):
    client = client_for(world, "town_a")
    stored = world.user("town_a").password
    nothing = Snapshot(get_user_model())
    response = change(client, **data)
    assert response.status_code == 200
    assert message in errors(response), errors(response)
    nothing.assert_unchanged()
    user = world.user("town_a")
    assert user.password == stored and user.password_changed is None
    assert client.get("/").status_code == 200  # still signed in


def test_it_counts_wrong_current_passwords_as_failed_sign_ins(world):
    client = client_for(world, "town_a")
    for n in range(settings.AXES_FAILURE_LIMIT):
        change(client, old=f"guess-{n}")
    # Now even the right current password is refused, and so is signing in here.
    response = change(client)
    assert "该账号因多次尝试失败已被锁定，请稍后再试。" in errors(response)
    assert world.user("town_a").check_password(PASSWORD)
    assert Client().post("/login/", {"username": "town_a", "password": PASSWORD}
                         ).status_code in (403, 429)
    # The failures are kept without the passwords typed.
    kept = "".join(AccessAttempt.objects.values_list("post_data", flat=True))
    assert "guess-" not in kept and NEW not in kept and PASSWORD not in kept


def test_it_stamps_password_changes_made_elsewhere_but_not_hash_upgrades(world):
    """The admin page and `changepassword` use set_password(): audited the same way; a
    hash upgrade at sign-in (same password) is not a change."""
    user = world.user("town_b")
    user.set_password(NEW)
    user.save()
    assert world.user("town_b").password_changed is not None
    readonly = world.user("readonly")
    # A hash with a weak salt: a right password upgrades it on the spot.
    readonly.password = make_password(PASSWORD, salt="legacy")
    readonly.save()
    before = ObjectChange.objects.count()
    assert readonly.check_password(PASSWORD)
    upgraded = world.user("readonly")
    assert upgraded.password != make_password(PASSWORD, salt="legacy")  # it was upgraded …
    assert upgraded.password_changed is None  # … without counting as a change
    assert ObjectChange.objects.count() == before
