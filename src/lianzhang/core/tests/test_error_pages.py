"""Error pages in Chinese in the site's layout, with their status codes (DEBUG is off
in tests, as in production): 403 and 404 keep the menu for signed-in users; the 500
page renders without touching the database, so it still shows when the database is
down; a failed CSRF check explains itself instead of Django's English page."""

import pytest
from django.db import OperationalError, connection
from django.test import Client, RequestFactory
from django.urls import get_resolver, path

from lianzhang.core.testing.helpers import client_for
from lianzhang.urls import urlpatterns as site_urlpatterns


def boom(request):
    raise RuntimeError("something broke")


# This module doubles as a URLconf: the site plus one view that fails.
urlpatterns = [path("boom/", boom), *site_urlpatterns]

MENU = 'href="/account/password/"'  # the signed-in user's menu


def page(response):
    text = response.content.decode()
    assert '<html lang="zh-hans">' in text and "链长" in text  # the site's layout
    return text


def test_it_answers_unknown_pages_with_a_chinese_404_and_the_menu(world):
    for url in ("/no-such-page/", "/regions/regions/987654321/"):
        response = client_for(world, "town_a").get(url)
        assert response.status_code == 404, url
        text = page(response)
        assert "页面不存在" in text and "返回首页" in text and MENU in text
        assert "Not Found" not in text and "The requested resource" not in text


def test_it_shows_the_404_without_a_menu_to_anonymous_visitors(db):
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    text = page(response)
    assert "页面不存在" in text and MENU not in text and "dropdown-menu" not in text


def test_it_answers_a_refused_page_with_a_chinese_403_and_the_menu(world):
    response = client_for(world, "town_a").get("/core/audit/")
    assert response.status_code == 403
    text = page(response)
    assert "无权访问" in text and "秘书处或系统管理员" in text and MENU in text
    assert "403 Forbidden" not in text


def test_it_explains_a_failed_csrf_check_in_chinese(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.user("town_a"))
    response = client.post("/account/password/", {"old_password": "x"})
    assert response.status_code == 403
    text = page(response)
    assert "表单已失效" in text and "CSRF verification failed" not in text


@pytest.mark.urls(__name__)
def test_it_answers_a_crash_with_a_chinese_500_page(world):
    client = client_for(world, "town_a")
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    text = page(response)
    assert "服务器错误" in text and "返回首页" in text
    assert "something broke" not in text and "Traceback" not in text
    assert MENU not in text  # the menu needs the database: left out


def test_it_renders_the_500_page_without_any_database_query(db, django_assert_num_queries,
                                                             monkeypatch):
    def database_down(*args, **kwargs):
        raise OperationalError("could not connect to server")

    handler = get_resolver().resolve_error_handler(500)
    with monkeypatch.context() as patch, django_assert_num_queries(0):
        patch.setattr(connection, "cursor", database_down)
        response = handler(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "服务器错误" in page(response)


def test_it_shows_the_500_page_while_the_database_is_down(world, monkeypatch):
    client = client_for(world, "town_a")  # signed in: the session is read from the database

    def database_down(*args, **kwargs):
        raise OperationalError("could not connect to server")

    client.raise_request_exception = False
    with monkeypatch.context() as patch:
        patch.setattr(connection, "cursor", database_down)
        response = client.get("/")
    assert response.status_code == 500
    text = page(response)
    assert "服务器错误" in text and "could not connect" not in text
