from tests.browser.conftest import check_page


def test_home_page(page):
    page.goto("/")
    assert page.title().endswith("Tessera")
    check_page(page)
