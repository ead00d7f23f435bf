"""Import in a real browser: upload, progress while the worker has not finished, the error
report download, then a corrected file imported."""

from __future__ import annotations

import io

import pytest
from python_calamine import CalamineWorkbook

from conftest import PASSWORD
from gaoxin.registry.imports import runner
from gaoxin.registry.models import ImportRun, Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BAD = "身份证号,姓名,联系电话\n11010519491231002X,张三,\n110105194912310021,李四,\n"
GOOD = "身份证号,姓名,联系电话\n11010519491231002X,张三,\n440524188001010014,李四,\n"


def upload(page, tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    page.get_by_label("文件中的数据").select_option("person")
    page.get_by_label("文件（CSV 或 XLSX）").set_input_files(str(path))
    page.get_by_role("button", name="上传并导入").click()
    page.get_by_test_id("import-status").wait_for()
    return ImportRun.objects.latest("id")


def test_upload_progress_error_report_and_success(page, live_server, make_user, settings, tmp_path):
    # The worker is a separate process in production; here the test plays the worker, so the
    # page first shows the pending import and its progress bar, then polls until it is done.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    make_user("zone_admin", username="importer")
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名").fill("importer")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("link", name="登记簿").first.click()
    page.get_by_role("link", name="导入").first.click()

    run = upload(page, tmp_path, "people-bad.csv", BAD)
    status = page.get_by_test_id("import-status")
    assert status.get_attribute("data-status") == "pending"
    assert page.locator("progress.job").is_visible()

    runner.execute(run.pk)  # what `manage.py db_worker` does with the queued task
    page.wait_for_selector('[data-testid="import-status"][data-status="rejected"]')
    assert "没有导入任何数据" in page.get_by_test_id("import-result").inner_text()
    assert Person.objects.count() == 0
    with page.expect_download() as download:
        page.get_by_test_id("error-report").click()
    content = download.value.path().read_bytes()
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    assert rows[1][:4] == [3.0, "身份证号", "110105194912310021", "row.id_number"]
    assert "校验码" in str(rows[1][4])

    page.get_by_role("link", name="导入").first.click()
    run = upload(page, tmp_path, "people.csv", GOOD)
    runner.execute(run.pk)
    page.wait_for_selector('[data-testid="import-status"][data-status="succeeded"]')
    assert "新增 2" in page.get_by_test_id("import-result").inner_text()
    assert Person.objects.count() == 2
