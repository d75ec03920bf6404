"""`manage.py import_data`: the report on stdout, exit status 1 on a bad file."""

import io

import pytest
from django.core.management import CommandError, call_command

from communities.models import ServiceNeed

from . import files

pytestmark = pytest.mark.django_db


def _call(*args) -> str:
    out = io.StringIO()
    call_command("import_data", *map(str, args), stdout=out)
    return out.getvalue()


def test_imports_and_prints_the_counts(tree, tmp_path):
    path = tmp_path / "needs.xlsx"
    path.write_bytes(files.xlsx(("需求", files.needs(["430103002001"], 3))))

    first = _call("needs", path)
    again = _call("needs", path)

    assert "3 created, 0 unchanged, 0 updated" in first
    assert "0 created, 3 unchanged, 0 updated" in again
    assert ServiceNeed.objects.count() == 3


def test_a_bad_file_exits_1_and_lists_the_rows(tree, tmp_path):
    rows = files.needs(["430103002001"], 3)
    rows[2][5] = "-9"
    path = tmp_path / "needs.csv"
    path.write_bytes(files.csv_bytes(rows))
    out = io.StringIO()

    with pytest.raises(CommandError) as failure:
        call_command("import_data", "needs", str(path), stdout=out)

    assert failure.value.returncode == 1
    assert "Row 3, column “预算（元）”" in out.getvalue()
    assert ServiceNeed.objects.count() == 0


def test_dry_run_stores_nothing(tree, tmp_path):
    path = tmp_path / "needs.csv"
    path.write_bytes(files.csv_bytes(files.needs(["430103002001"], 2)))

    out = _call("needs", path, "--dry-run")

    assert "dry run" in out and "2 created" in out
    assert ServiceNeed.objects.count() == 0


def test_as_a_user_their_jurisdiction_applies(tree, tmp_path, district_official):
    path = tmp_path / "needs.csv"
    path.write_bytes(files.csv_bytes(files.needs(["430104001001"], 1)))

    with pytest.raises(CommandError) as failure:
        _call("needs", path, "--user", district_official.username)

    assert failure.value.returncode == 1


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("needs.txt", b"x", "only .xlsx and .csv"),
        ("missing.csv", None, "No such file"),
    ],
)
def test_refuses_what_it_cannot_read(tmp_path, name, content, message, db):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)

    with pytest.raises(CommandError, match=message):
        _call("needs", path)
