"""Staff back up from the admin in the browser, at both widths: "Back up now" queues the
scheduled task, and the backup shows in the list as ok."""

from playwright.sync_api import expect


def test_staff_back_up_now_from_the_admin(transactional_db, staff, page, sign_in, settings):
    settings.DEBUG = True
    sign_in(page, staff)
    page.goto("/admin/ops/backup/")

    page.get_by_role("button", name="Back up now").click()

    expect(page.get_by_text("A backup is queued")).to_be_visible()
    expect(page.locator("td.field-status")).to_have_text("OK")
    expect(page.locator("th.field-name")).to_contain_text("tessera-")
