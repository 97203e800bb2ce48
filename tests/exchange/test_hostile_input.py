"""Hostile and broken input: whatever arrives, an import answers with problems that name the file,
line and column, never raises, and never writes part of it.

Property tests (hypothesis) throw malformed CSV at every file of the bundle: other encodings
(UTF-16, Latin-1, cp1252), ragged rows, NULs, stray quotes, 1 MB cells, formula cells, tens of
thousands of columns, truncated files. Fixed tests cover zip bombs and forged sizes and oversized
uploads (census XML: tests/census/test_census_hostile_input.py)."""

from __future__ import annotations

import csv
import io
import struct
import tempfile
import warnings
import zipfile
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safeguard.accounts.models import Role
from safeguard.cases.models import Child
from safeguard.exchange.exporter import bundle_export
from safeguard.exchange.importer import bundle_import
from safeguard.exchange.reader import BundleError
from safeguard.exchange.schema import CHILDREN, FILES, FileSpec
from tests.bundles import child, write_bundle

HOSTILE = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
    derandomize=True,  # the same examples on every run and machine: CI cannot flake
)
FORMULAS = [
    '=HYPERLINK("http://evil.example","click")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(1,2)",
    "\t=1",
    "\r=1",
]
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "latin-1", "cp1252"]
KNOWN_FILES = {spec.filename for spec in FILES} | {"bundle"}


SESSION_TABLES = ("django_session", "axes_")  # a signed-in request touches its session


def tables_snapshot() -> dict[str, list[tuple]]:
    """Every row of every table but the sessions', in a stable order."""
    snapshot = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            if table.startswith(SESSION_TABLES):
                continue
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            snapshot[table] = sorted(cursor.fetchall(), key=repr)
    return snapshot


# ---- strategies -------------------------------------------------------------------------------


def _sample_values(spec: FileSpec) -> list[str]:
    values = ["H1", "P1", "C1", "M1", "2022-01-10", "10/01/2022", "31/02/2022", "yes", "no", ""]
    for column in spec.columns:
        values.extend(column.choices)
    return values


def cells(spec: FileSpec) -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(_sample_values(spec)),
        st.sampled_from(FORMULAS),
        st.text(max_size=40),  # any characters: NULs, quotes, newlines, surrogates excluded
        st.text(alphabet='",\r\n\x00\ufeff\u202e', max_size=8),
        st.integers(min_value=-(10**400), max_value=10**400).map(str),
        st.just("A" * 1_000_000),
        st.just("é" * 9_000),
        st.just("é" * 20_000),  # longer than a cell may be, within the CSV reader's own limit
    )


@st.composite
def hostile_csv(draw, spec: FileSpec) -> bytes:
    if draw(st.integers(0, 19)) == 0:
        return draw(st.binary(max_size=2000))  # not text at all
    header = list(spec.column_names)
    match draw(st.integers(0, 5)):
        case 0:
            header = draw(
                st.lists(st.sampled_from([*header, "", "extra", "CHILD_ID"]), max_size=12)
            )
        case 1:
            header = header + [f"c{i}" for i in range(draw(st.sampled_from([100, 20_000])))]
        case 2:
            header = header + [draw(st.sampled_from(header))]  # a column twice
        case _:
            pass
    rows = draw(
        st.lists(
            st.lists(cells(spec), min_size=0, max_size=len(spec.column_names) + 3),
            max_size=6,
        )
    )
    text_out = io.StringIO()
    if draw(st.booleans()):
        writer = csv.writer(text_out, lineterminator=draw(st.sampled_from(["\r\n", "\n", "\r"])))
        writer.writerow(header)
        writer.writerows(rows)
    else:  # naive joining: unbalanced quotes, embedded newlines and commas left as they are
        for row in [header, *rows]:
            text_out.write(",".join(row) + "\n")
    data = text_out.getvalue().encode(draw(st.sampled_from(ENCODINGS)), errors="replace")
    if draw(st.integers(0, 4)) == 0:
        data = data[: draw(st.integers(0, len(data)))]  # cut off mid-way
    return data


# ---- CSV ----------------------------------------------------------------------------------------


def _check_import_of(folder: Path) -> None:
    """Import `folder` inside a transaction that is always rolled back, so that every example
    starts from the same records; a refused import must have changed nothing."""
    with transaction.atomic():
        before = tables_snapshot()
        result = bundle_import(path=folder, by=None)
        for problem in result.problems:
            assert problem.filename in KNOWN_FILES, problem
            assert isinstance(problem.line, int) and problem.line >= 0, problem
            assert problem.reason.strip(), problem
            assert len(str(problem)) < 2000, "a problem must not echo a huge cell back"
        if not result.ok:
            assert result.files == {}
            assert tables_snapshot() == before, "a refused import wrote something"
        transaction.set_rollback(True)


@pytest.fixture
def existing_records(db):
    """Records the hostile imports must leave alone."""
    folder = Path(tempfile.mkdtemp())
    write_bundle(folder, children=[child("KEEP-1", given_name="Kept")])
    assert bundle_import(path=folder, by=None).ok


@pytest.mark.parametrize("spec", FILES, ids=lambda spec: spec.filename)
def test_malformed_csv_never_raises_and_never_writes_part_of_a_bundle(existing_records, spec):
    @HOSTILE
    @given(data=hostile_csv(spec))
    def check(data: bytes) -> None:
        with tempfile.TemporaryDirectory() as scratch:
            folder = Path(scratch)
            if spec is not CHILDREN:
                write_bundle(folder, children=[child("H1")])
            (folder / spec.filename).write_bytes(data)
            _check_import_of(folder)

    check()


@pytest.mark.parametrize("spec", FILES, ids=lambda spec: spec.filename)
def test_a_cell_longer_than_the_limit_is_a_problem_not_a_crash(existing_records, tmp_path, spec):
    write_bundle(tmp_path, children=[child("H1")])
    header = ",".join(spec.column_names)
    row = ",".join("é" * 20_000 for _ in spec.column_names)
    (tmp_path / spec.filename).write_text(f"{header}\n{row}\n", encoding="utf-8")
    _check_import_of(tmp_path)


def test_a_broken_file_beside_good_ones_writes_nothing_at_all(existing_records, tmp_path):
    write_bundle(tmp_path, children=[child("NEW-1"), child("NEW-2")])
    (tmp_path / "cp_plans.csv").write_bytes(
        "plan_id,child_id,start_date\nP1,NEW-1,".encode("utf-16")
    )
    before = tables_snapshot()
    result = bundle_import(path=tmp_path, by=None)
    assert not result.ok
    assert any(p.filename == "cp_plans.csv" and "UTF-8" in p.reason for p in result.problems)
    assert tables_snapshot() == before


def test_formula_cells_are_kept_as_text_and_exported_so_no_spreadsheet_runs_them(db, tmp_path):
    write_bundle(tmp_path / "in", children=[child("F1", given_name=FORMULAS[0], area="=1+1")])
    assert bundle_import(path=tmp_path / "in", by=None).ok
    assert Child.objects.get(child_id="F1").given_name == FORMULAS[0]
    bundle_export(path=tmp_path / "out", by=None)
    exported = (tmp_path / "out" / "children.csv").read_text(encoding="utf-8-sig")
    assert "'" + FORMULAS[0].replace('"', '""') in exported
    assert ",'=1+1" in exported or "'=1+1" in exported


# ---- zip files --------------------------------------------------------------------------------


def _forge_size(zip_path: Path, member: str, size: int) -> None:
    """Make the archive declare `size` uncompressed bytes for `member`, as a crafted file would."""
    data = bytearray(zip_path.read_bytes())
    with zipfile.ZipFile(zip_path) as archive:
        info = archive.getinfo(member)
    struct.pack_into("<I", data, info.header_offset + 22, size)
    central = data.rfind(b"PK\x01\x02")
    while central != -1:
        name_length = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46 : central + 46 + name_length] == member.encode():
            struct.pack_into("<I", data, central + 24, size)
        central = data.rfind(b"PK\x01\x02", 0, central)
    zip_path.write_bytes(bytes(data))


def test_a_zip_member_declaring_more_than_the_limit_is_refused_unread(db, tmp_path):
    bundle = tmp_path / "forged.zip"
    with zipfile.ZipFile(bundle, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("children.csv", "child_id\nZ1\n")
    _forge_size(bundle, "children.csv", 4_000_000_000)
    with pytest.raises(BundleError, match="larger than 2 GB"):
        bundle_import(path=bundle, by=None)
    assert not Child.objects.filter(child_id="Z1").exists()


def test_a_zip_bomb_is_refused_as_it_inflates_not_after(db, tmp_path):
    """20 MB of NULs in 20 KB of zip: reading stops once it inflates past 200 times its
    compressed size, and the bundle is refused in one sentence."""
    bundle = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bundle, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("children.csv", b"child_id\n" + b"\x00" * 20_000_000)
    assert bundle.stat().st_size < 100_000
    before = tables_snapshot()
    with pytest.raises(BundleError, match="children.csv: the file inflates to more than"):
        bundle_import(path=bundle, by=None)
    assert tables_snapshot() == before


@pytest.mark.parametrize(
    "names",
    [("children.csv", "children.csv"), ("a/children.csv", "b/Children.csv")],
    ids=["same-name", "same-file-in-two-folders"],
)
def test_a_zip_holding_a_file_twice_is_refused_naming_it(db, tmp_path, names):
    bundle = tmp_path / "twice.zip"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of the duplicate it is told to write
        with zipfile.ZipFile(bundle, "w") as archive:
            archive.writestr(names[0], "child_id\nFIRST\n")
            archive.writestr(names[1], "child_id\nSECOND\n")

    with pytest.raises(BundleError, match="children.csv: the bundle holds this file twice"):
        bundle_import(path=bundle, by=None)
    assert not Child.objects.exists()


def test_a_zip_with_paths_that_climb_out_writes_nothing_outside(db, tmp_path):
    bundle = tmp_path / "climb.zip"
    with zipfile.ZipFile(bundle, "w") as archive:
        archive.writestr("../../children.csv", "child_id\nUP-1\n")
        archive.writestr("/etc/cp_plans.csv", "plan_id,child_id,start_date\n")
    result = bundle_import(path=bundle, by=None)
    assert result.ok  # the files are read by their names only, never extracted to a path
    assert Child.objects.filter(child_id="UP-1").exists()
    assert not (tmp_path.parent.parent / "children.csv").exists()


@pytest.mark.parametrize(
    "content",
    [b"", b"PK\x03\x04 truncated", b"not a zip at all", b"PK\x05\x06" + b"\x00" * 18],
    ids=["empty", "truncated", "text", "empty-directory"],
)
def test_files_that_are_not_bundles_give_one_clear_sentence(db, tmp_path, content):
    path = tmp_path / "upload.zip"
    path.write_bytes(content)
    try:
        result = bundle_import(path=path, by=None)
    except BundleError as error:
        assert "upload.zip" in str(error)
    else:
        assert not result.ok


# ---- uploads through the page -------------------------------------------------------------------


def _zip_bytes(files: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@override_settings(SAFEGUARD_MAX_UPLOAD_BYTES=64 * 1024)
def test_an_oversized_upload_is_refused_with_the_limit_and_writes_nothing(signed_in_client):
    client = signed_in_client(Role.BUSINESS_SUPPORT)
    rows = "".join(f"BIG-{n},2015-01-01\n" for n in range(20_000)).encode()
    data = _zip_bytes({"children.csv": b"child_id,date_of_birth\n" + rows}, zipfile.ZIP_STORED)
    assert len(data) > 64 * 1024
    upload = io.BytesIO(data)
    upload.name = "big.zip"
    before = tables_snapshot()
    response = client.post("/import/", {"bundle": upload})
    assert response.status_code == 200
    assert "The file must be smaller than 0.0625 MB" in response.content.decode()
    assert tables_snapshot() == before


@pytest.mark.parametrize(
    "name,data",
    [
        ("bomb.zip", _zip_bytes({"children.csv": b"child_id\n" + b"\x00" * 5_000_000})),
        ("utf16.zip", _zip_bytes({"children.csv": "child_id\nU1\n".encode("utf-16")})),
        ("ragged.zip", _zip_bytes({"children.csv": b'child_id\nA,"unclosed\nB,,,,,,,,x\n'})),
        ("plain.csv", b"child_id\nA1\n"),
        ("random.bin", bytes(range(256)) * 100),
    ],
)
def test_hostile_uploads_get_a_page_of_problems_not_an_error(signed_in_client, name, data):
    client = signed_in_client(Role.BUSINESS_SUPPORT)
    upload = io.BytesIO(data)
    upload.name = name
    before = tables_snapshot()
    response = client.post("/import/", {"bundle": upload})
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page or "problem" in page.lower()
    assert tables_snapshot() == before


def test_a_request_body_over_django_s_limit_is_a_400_not_a_500(signed_in_client):
    client = signed_in_client(Role.CHAIR)
    response = client.post(
        "/escalations/raise/",
        data="organisation_name=" + "x" * (6 * 1024 * 1024),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
