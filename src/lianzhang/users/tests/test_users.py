"""Users and scoped roles: scopes combine across assignments, a revoked role takes
effect on the next request, role changes are audited without secrets, and only
administrators reach the admin site."""

from django.test import Client
from django.utils import translation

from lianzhang.core.context import change_context
from lianzhang.core.models import ObjectChange
from lianzhang.core.permissions import is_system_admin, user_can
from lianzhang.core.testing.fixtures import PASSWORD, make_user
from lianzhang.core.testing.helpers import client_for
from lianzhang.regions.models import Region
from lianzhang.users.models import RoleAssignment, User
from lianzhang.users.roles import Role


def test_it_combines_the_scopes_of_several_assignments(world):
    user = make_user("two_towns", Role.TOWN, [world.town_a])
    RoleAssignment.objects.create(user=user, role=Role.TOWN).towns.set([world.town_b])
    user = User.objects.get(pk=user.pk)
    assert set(Region.objects.restrict(user, "view")) == {world.town_a, world.town_b}


def test_it_ignores_a_chain_scope_on_models_without_chains(world):
    """Regions have no chain: a chain-scoped leader reads every region, but only his chain."""
    from lianzhang.chains.models import Chain

    leader = world.user("leader_a")
    assert Region.objects.restrict(leader, "view").count() == Region.objects.count()
    assert list(Chain.objects.restrict(leader, "view")) == [world.chain_a]


def test_it_applies_a_revoked_role_on_the_next_request(world):
    client = client_for(world, "town_a")
    assert client.get("/regions/regions/").status_code == 200
    RoleAssignment.objects.filter(user__username="town_a").delete()
    assert client.get("/regions/regions/").status_code == 403


def test_it_refuses_everything_to_an_inactive_user(world):
    user = world.user("admin")
    user.is_active = False
    assert not is_system_admin(user)
    assert not user_can(user, Region, "view")
    assert not Region.objects.restrict(user, "view").exists()


def test_it_keeps_reference_data_read_only_for_town_officers(world):
    town, secretariat = world.user("town_a"), world.user("secretariat")
    assert Region.objects.restrict(town, "view").exists()
    for action in ("add", "change", "delete"):
        assert not user_can(town, Region, action)
        assert not user_can(world.user("leader_a"), Region, action)
        assert user_can(secretariat, Region, action)


def test_it_labels_roles_with_their_scope_in_chinese(world):
    with translation.override("zh-hans"):
        assert world.user("town_a").role_labels() == ["镇街用户（九龙街道）"]
        assert world.user("leader_a").role_labels() == ["链长（智能家电）"]
        assert world.user("secretariat").role_labels() == ["秘书处"]


def test_it_audits_users_and_roles_without_secrets(world):
    with change_context(user=world.user("admin")):
        user = User.objects.create_user("new_officer", password=PASSWORD, display_name="新干事")
        assignment = RoleAssignment.objects.create(user=user, role=Role.TOWN)
        assignment.towns.set([world.town_b])
        user.set_password("Another-Passw0rd!")
        user.save()
    records = ObjectChange.objects.filter(object_repr__contains="新干事")
    created = records.get(action="create", content_type__model="user")
    assert created.user.username == "admin"
    assert "password" not in created.postchange_data
    assert "last_login" not in created.postchange_data
    assert not any("password" in (c.postchange_data or {}) for c in ObjectChange.objects.all())
    assert ObjectChange.objects.filter(content_type__model="roleassignment",
                                       object_id=str(assignment.pk), action="update",
                                       postchange_data={"towns": [world.town_b.pk]}).exists()


def test_it_lets_only_administrators_into_the_admin_site(world):
    for name in ("town_a", "secretariat", "nobody"):
        response = client_for(world, name).get("/admin/")
        assert response.status_code == 302 and "/admin/login/" in response["Location"], name
    superuser = User.objects.create_superuser("root", password=PASSWORD)
    client = Client()
    client.force_login(superuser)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/users/user/").status_code == 200
