"""Hostile and careless input on the way in (issue 19, Deliver 3 and 4).

Paths named by a data folder's files stay inside the folder (symbolic links included) and
nothing of an outside file is echoed; the YAML files of a data folder are read by one safe
loader with a strict schema; cells that cannot be read faithfully (a 20 MB cell, a NUL byte)
are refused with the file, column and row. Each case checks the message a user sees, through
the command line where the case reaches it, and that no traceback is printed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from p3md import PROJECT_ROOT
from p3md.codebook import load_codebook
from p3md.io.errors import RawDataError
from p3md.io.readers import input_files, read_raw_dir, read_raw_file
from p3md.safe_yaml import DataFileError, expanded_nodes

RAW = PROJECT_ROOT / "data" / "raw"
SECRET = "p3md-outside-secret-7f3a"


def copy_raw(tmp_path: Path, name: str = "data") -> Path:
    folder = tmp_path / name
    shutil.copytree(RAW, folder)
    return folder


def cli(*argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "p3md", *argv],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
    )


def assert_clean(proc: subprocess.CompletedProcess[str]) -> str:
    """Exit 1, one message on stderr, no traceback; returns the output."""
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert "Traceback" not in out and 'File "' not in out, out
    return out


def outside_csv(tmp_path: Path) -> Path:
    """A CSV outside the data folder with the village frame's columns and a secret in it."""
    path = tmp_path / "elsewhere" / "frame.csv"
    path.parent.mkdir()
    text = (RAW / "village_frame.csv").read_text(encoding="utf-8")
    lines = text.splitlines()
    lines.append(lines[-1].replace(lines[-1].split(",")[1], SECRET, 1))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_mapping(folder: Path, source: str) -> None:
    (folder / "village_frame.csv").unlink(missing_ok=True)
    header = (RAW / "village_frame.csv").read_text(encoding="utf-8").splitlines()[0]
    columns = "\n".join(f"      - {{header: {h}, column: {h}}}" for h in header.split(","))
    (folder / "mapping.yaml").write_text(
        f"version: 1\nfiles:\n  village_frame:\n    source: {source!r}\n    columns:\n{columns}\n",
        encoding="utf-8",
    )


# -- paths stay inside the folder --------------------------------------------------------------


def test_mapping_source_outside_the_folder_is_refused_without_echo(cb, tmp_path):
    folder = copy_raw(tmp_path)
    write_mapping(folder, "../../../../../../../../etc/passwd")
    with pytest.raises(RawDataError) as err:
        read_raw_dir(folder, cb)
    e = err.value
    assert e.file == "mapping.yaml" and e.column == "files.village_frame.source"
    assert "outside the data folder" in e.rule and "nothing of the outside file" in e.rule
    assert "root:" not in str(e) and "/bin/" not in str(e)
    # The command line says the same, with exit 1 and no traceback.
    out = assert_clean(cli("check", "--data", str(folder), cwd=tmp_path))
    assert "files.village_frame.source" in out and "root:" not in out and "nologin" not in out


def test_absolute_and_symlinked_paths_elsewhere_are_refused(cb, tmp_path):
    outside = outside_csv(tmp_path)
    folder = copy_raw(tmp_path)
    write_mapping(folder, str(outside))
    with pytest.raises(RawDataError, match="outside the data folder") as err:
        read_raw_dir(folder, cb)
    assert SECRET not in str(err.value)
    # A raw file that is a symbolic link to a file outside.
    (folder / "mapping.yaml").unlink()
    os.symlink(outside, folder / "village_frame.csv")
    with pytest.raises(RawDataError, match="symbolic link to a file outside") as err:
        read_raw_file(folder, cb, "village_frame")
    assert err.value.file == "village_frame.csv" and SECRET not in str(err.value)
    # A mapping source inside the folder that links outside.
    (folder / "village_frame.csv").unlink()
    os.symlink(outside, folder / "export.csv")
    write_mapping(folder, "export.csv")
    with pytest.raises(RawDataError, match="symbolic link to a file outside"):
        read_raw_file(folder, cb, "village_frame")
    # A mapping.yaml that is itself a link outside.
    (folder / "export.csv").unlink()
    real = tmp_path / "elsewhere" / "mapping.yaml"
    shutil.move(folder / "mapping.yaml", real)
    os.symlink(real, folder / "mapping.yaml")
    with pytest.raises(RawDataError, match="symbolic link to a file outside") as err:
        read_raw_file(folder, cb, "village_frame")
    assert err.value.file == "mapping.yaml"


def test_a_design_file_linked_from_outside_is_refused(tmp_path):
    folder = copy_raw(tmp_path)
    real = tmp_path / "design.yaml"
    real.write_text("district: Kabupaten Luar\n", encoding="utf-8")
    os.symlink(real, folder / "design.yaml")
    with pytest.raises(DataFileError, match="symbolic link to a file outside"):
        load_codebook(data_dir=folder)


def test_input_files_name_every_file_a_mapped_folder_reads(cb, tmp_path):
    """A source in a sub-folder is inside, read, and listed with mapping.yaml for its key."""
    folder = copy_raw(tmp_path)
    (folder / "exports").mkdir()
    shutil.copy2(RAW / "village_frame.csv", folder / "exports" / "frame.csv")
    write_mapping(folder, "exports/frame.csv")
    files = input_files(folder, cb)
    assert files["village_frame"] == [
        (folder / "exports" / "frame.csv").resolve(),
        (folder / "mapping.yaml").resolve(),
    ]
    assert files["facilitators"] == [(folder / "facilitators.csv").resolve()]
    frames = read_raw_dir(folder, cb)
    clean = read_raw_dir(RAW, cb)
    assert frames["village_frame"].equals(clean["village_frame"])


# -- YAML of a data folder ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        'district: !!python/object/apply:os.system ["echo pwned"]\n',
        "district: !!python/name:os.system\n",
        "district: !custom {a: 1}\n",
    ],
)
def test_tags_in_design_yaml_give_one_message(text, tmp_path):
    folder = copy_raw(tmp_path)
    (folder / "design.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(DataFileError) as err:
        load_codebook(data_dir=folder)
    message = str(err.value)
    assert message.startswith("Problem in file design.yaml, line 1.")
    assert "is not allowed" in message and "Fix: remove the tag" in message
    out = assert_clean(cli("check", "--data", str(folder), cwd=tmp_path))
    assert "design.yaml" in out and "echo pwned" not in out


def test_unknown_design_keys_are_refused_at_every_level(tmp_path):
    folder = copy_raw(tmp_path)
    cases = {
        "kabupaten: salah\n": ("key 'kabupaten'", "allowed are district"),
        "sampling:\n  population_village: 12\n": (
            "key 'sampling.population_village'",
            "allowed are population_villages, error_margin",
        ),
        "kecamatan:\n  - {name: A, villages: 3, PDP: 1, PLX: 2}\n": (
            "key 'kecamatan.0.PLX'",
            "the roles",
        ),
        "sampling:\n  error_margin: 2\n": ("key 'sampling.error_margin'", "less than 1"),
        "expected_rows: {facilitator: 3}\n": ("key 'expected_rows.facilitator'", "facilitators"),
        "- just\n- a list\n": ("Rule: the file must be a mapping", "allowed keys"),
    }
    for text, (where, rule) in cases.items():
        (folder / "design.yaml").write_text(text, encoding="utf-8")
        with pytest.raises(DataFileError) as err:
            load_codebook(data_dir=folder)
        assert where in str(err.value) and rule in str(err.value), (text, str(err.value))
    (folder / "design.yaml").write_text("sampling:\n  population_village: 12\n")
    out = assert_clean(cli("check", "--data", str(folder), cwd=tmp_path))
    assert "design.yaml, key 'sampling.population_village'" in out


BILLION_LAUGHS = """\
district: Kabupaten Contoh
sampling:
  a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
  b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
  c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
  d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
  e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
  f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
  g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
  h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
  i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"""


def test_billion_laughs_is_refused_before_anything_walks_it(tmp_path):
    assert expanded_nodes(BILLION_LAUGHS, limit=10**12) > 9**9
    # the mapping, three keys, the list [1, 2] (3 nodes) written once and aliased twice
    assert expanded_nodes("a: &x [1, 2]\nb: *x\nc: *x\n") == 1 + 3 + 3 * 3
    folder = copy_raw(tmp_path)
    (folder / "design.yaml").write_text(BILLION_LAUGHS, encoding="utf-8")
    with pytest.raises(DataFileError, match="billion laughs"):
        load_codebook(data_dir=folder)
    # Harmless aliases are still accepted (and the keys checked).
    (folder / "design.yaml").write_text(
        "district: &d Kabupaten Contoh\nsurvey_period: *d\n", encoding="utf-8"
    )
    assert load_codebook(data_dir=folder).design["survey_period"] == "Kabupaten Contoh"
    out = assert_clean(cli("check", "--data", str(_write(folder, BILLION_LAUGHS)), cwd=tmp_path))
    assert "billion laughs" in out


def _write(folder: Path, design: str) -> Path:
    (folder / "design.yaml").write_text(design, encoding="utf-8")
    return folder


def test_mapping_yaml_tags_unknown_keys_and_bombs_are_refused(cb, tmp_path):
    folder = copy_raw(tmp_path)
    write_mapping(folder, "frame.csv")
    shutil.copy2(RAW / "village_frame.csv", folder / "frame.csv")
    good = (folder / "mapping.yaml").read_text(encoding="utf-8")
    assert read_raw_file(folder, cb, "village_frame").shape[0] > 0
    cases = {
        good.replace("version: 1", "version: !!python/object:os.system 1"): "is not allowed",
        good.replace("version: 1", "version: 1\nextra: yes"): "unknown key 'extra'",
        good.replace("    source:", "    sorce: x\n    source:"): "unknown key 'sorce'",
        good + "bomb:\n" + BILLION_LAUGHS.split("sampling:\n", 1)[1]: "billion laughs",
    }
    for text, rule in cases.items():
        (folder / "mapping.yaml").write_text(text, encoding="utf-8")
        with pytest.raises(RawDataError) as err:
            read_raw_file(folder, cb, "village_frame")
        assert err.value.file == "mapping.yaml" and rule in err.value.rule, str(err.value)


def test_a_data_folder_yaml_past_the_size_limit_is_refused(tmp_path):
    folder = copy_raw(tmp_path)
    (folder / "design.yaml").write_text(
        "district: Kabupaten Contoh\n" + "# padding\n" * 120_000, encoding="utf-8"
    )
    with pytest.raises(DataFileError, match="read up to 1,000,000 bytes"):
        load_codebook(data_dir=folder)


# -- every file read is hashed into the stages that read it -------------------------------------


def test_a_mapped_export_in_a_sub_folder_is_hashed_into_its_stages(monkeypatch, tmp_path):
    """The reader's files (``io.readers.input_files``) enter the manifest's inputs and the key
    of the stage reading them: editing the export reruns that stage, nothing else."""
    import p3md.pipeline.runner as runner_mod
    from p3md.pipeline.params import make_params
    from p3md.pipeline.runner import run_pipeline
    from pipeline_support import copy_notebooks, fixture_stage

    monkeypatch.setattr(runner_mod, "tree_hash", lambda *a, **k: "fixed-package-hash")
    nb = copy_notebooks(tmp_path / "notebooks")
    data = copy_raw(tmp_path)
    (data / "exports").mkdir()
    export = data / "exports" / "pilot export.csv"
    (data / "pilot.csv").unlink()
    shutil.copy2(RAW / "pilot.csv", export)
    header = export.read_text(encoding="utf-8").splitlines()[0].split(",")
    columns = "\n".join(f"      - {{header: {h}, column: {h}}}" for h in header)
    (data / "mapping.yaml").write_text(
        f"files:\n  pilot:\n    source: exports/pilot export.csv\n    columns:\n{columns}\n",
        encoding="utf-8",
    )
    stages = (
        fixture_stage("alpha", nb / "fx_a.ipynb", inputs=("village_frame",)),
        fixture_stage("gamma", nb / "fx_c.ipynb", inputs=("pilot",)),
    )
    params = make_params(
        data_dir=data, out_dir=tmp_path / "out" / "reports", published_path=tmp_path / "p.yaml"
    )

    def run():
        result = run_pipeline(
            params, stages=stages, renderer=None, project_root=tmp_path, echo=lambda s: None
        )
        assert result.success, result.message
        return {s.name: s.status for s in result.stages}, result.manifest

    first, manifest = run()
    assert first == {"alpha": "ran", "gamma": "ran"}
    assert "raw/exports/pilot export.csv" in manifest["inputs"]
    assert "raw/mapping.yaml" in manifest["inputs"]
    assert run()[0] == {"alpha": "skipped", "gamma": "skipped"}
    text = export.read_text(encoding="utf-8").splitlines()
    text[1] = text[1] + " "  # the same answers, another file: the stage must look again
    export.write_text("\n".join(text) + "\n", encoding="utf-8")
    assert run()[0] == {"alpha": "skipped", "gamma": "ran"}


# -- cells that cannot be read faithfully --------------------------------------------------------


def _edit_cell(path: Path, row: int, column: str, value: str) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    header = lines[0].split(",")
    cells = lines[row - 1].split(",")
    cells[header.index(column)] = value
    lines[row - 1] = ",".join(cells)
    path.write_text("\n".join(lines), encoding="utf-8")


def test_a_20_mb_cell_is_one_message_naming_file_column_and_row(cb, tmp_path):
    folder = copy_raw(tmp_path)
    _edit_cell(folder / "facilitators.csv", 4, "kecamatan", '"' + "A" * 20_000_000 + '"')
    with pytest.raises(RawDataError) as err:
        read_raw_file(folder, cb, "facilitators")
    e = err.value
    assert (e.file, e.column, e.rows) == ("facilitators.csv", "kecamatan", [4])
    assert "longer than 131,072 characters" in e.rule and "quote" in e.fix
    assert len(str(e)) < 1000  # the cell is not echoed
    out = assert_clean(cli("check", "--data", str(folder), cwd=tmp_path))
    assert "column 'kecamatan': row 4" in out


def test_an_unclosed_quote_is_named_at_the_row_where_it_opens(cb, tmp_path):
    folder = copy_raw(tmp_path)
    _edit_cell(folder / "official_ratings.csv", 3, "official_position", '"Kepala Desa')
    with pytest.raises(RawDataError) as err:
        read_raw_file(folder, cb, "official_ratings")
    # The quote swallows the rest of the file into one cell of row 3 (short file: no limit
    # is reached, so the row is then too short or too long for the header).
    assert err.value.file == "official_ratings.csv" and 3 in err.value.rows


@pytest.mark.parametrize("char", ["\x00", "\x1b", "\x07"])
def test_control_characters_in_a_value_are_refused_not_dropped(cb, tmp_path, char):
    folder = copy_raw(tmp_path)
    _edit_cell(folder / "facilitators.csv", 5, "kecamatan", f"Way{char} Ratai")
    with pytest.raises(RawDataError) as err:
        read_raw_file(folder, cb, "facilitators")
    e = err.value
    assert (e.file, e.column, e.rows) == ("facilitators.csv", "kecamatan", [5])
    assert e.values == ["Way? Ratai"] and f"0x{ord(char):02x}" in e.rule
    assert char not in str(e)
    if char == "\x00":
        out = assert_clean(cli("check", "--data", str(folder), cwd=tmp_path))
        assert "facilitators.csv, column 'kecamatan': row 5" in out and "0x00" in out


def test_a_nul_byte_in_a_header_or_an_xlsx_cell_is_refused(cb, tmp_path):
    folder = copy_raw(tmp_path)
    path = folder / "pilot.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("x1", "x\x001", 1), encoding="utf-8")
    with pytest.raises(RawDataError, match="the header holds a control character") as err:
        read_raw_file(folder, cb, "pilot")
    assert err.value.rows == [1] and err.value.column == "x?1"


# -- the machine: read-only and full disks ------------------------------------------------------


def test_a_read_only_output_folder_is_one_message(monkeypatch, capsys, tmp_path):
    import errno

    from p3md import cli
    from p3md.pipeline import atomic

    target = tmp_path / "ro" / ".p3md-work"

    def read_only(out_dir):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(target))

    monkeypatch.setattr(atomic, "run_lock", read_only)
    code = cli.main(["report", "--out", str(tmp_path / "ro" / "reports"), "--no-site"])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    assert err.startswith(
        "error: the folder is on a read-only file system (Read-only file system) while "
        f"preparing the output folder: writing {target}."
    )
    assert "--out (OUT=...)" in err


@pytest.mark.parametrize(
    ("previous", "written", "free", "expected"),
    [
        # The last good report is larger than what is free: ask for the difference.
        (2_700_000, 400_000, 1_100_000, "free at least 1.6 MB more"),
        # Free space is more than the last report (the run wrote more than it): no
        # "needs 2.7 MB ... 3.1 MB are free" contradiction; it needed more than is free.
        (2_700_000, 3_100_000, 3_100_000, "It needed more room than the 3.1 MB that are free"),
    ],
)
def test_the_disk_full_message_has_numbers_that_agree(
    monkeypatch, tmp_path, previous, written, free, expected
):
    import errno
    from collections import namedtuple

    from p3md.pipeline import system_errors

    out = tmp_path / "reports"
    out.mkdir()
    (out / "old.bin").write_bytes(b"x" * previous)
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(system_errors.shutil, "disk_usage", lambda p: usage(10**9, 0, free))
    exc = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(out / "x.html"))
    text = str(system_errors.system_failure(exc, "rendering the site", out, written))
    assert expected in text and "The run had written" in text
    assert "--out (OUT=...)" in text and f"The last good report in {out} is unchanged" in text
    if "needs about" in text:  # never asks for less than is free
        need = float(text.split("needs about ")[1].split(" MB")[0])
        now = float(text.split("MB are free now")[0].rsplit(" ", 2)[-2])
        assert need > now


# -- a gate failure on a converted input names the user's file and the canonical one ---------------


def _break_official_id(road: str, example, cb) -> tuple[str, str | None]:
    """Row 4's official_id becomes 'X99' (no ID pattern fits) in the road's own file; returns
    the name the user knows and the header they see."""
    import pandas as pd

    name = example.exports["official_ratings"]
    path = example.folder / name
    if road == "google-forms":
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
        header = next(h for h, c in example.truth["official_ratings"].items() if c == "official_id")
        df.loc[2, header] = "X99"  # spreadsheet row 4
        df.to_csv(path, index=False)
        return name, header
    if road == "template":
        from openpyxl import load_workbook

        book = load_workbook(path)
        sheet = book["official_ratings"]
        col = [c.value for c in sheet[1]].index("official_id") + 1
        sheet.cell(4, col, "X99")
        book.save(path)
        return f"{name}[official_ratings]", None
    import pyreadstat

    df, meta = pyreadstat.read_sav(str(path), user_missing=True)
    df.loc[2, "official_id"] = "X99"
    pyreadstat.write_sav(
        df,
        str(path),
        column_labels=meta.column_labels,
        variable_value_labels=meta.variable_value_labels,
        missing_ranges=meta.missing_ranges,
    )
    return name, None


@pytest.mark.parametrize("road", ["google-forms", "template", "spss"])
def test_a_gate_failure_on_a_converted_input_names_both_files(road, cb, tmp_path):
    from p3md.io.mapping import map_export
    from p3md.pipeline.check import check_data_dir
    from p3md.pipeline.params import DEFAULT_CODEBOOK
    from p3md.reconstruction.exports import BUILDERS

    example = BUILDERS[road](RAW, tmp_path / road, cb)
    user_file, header = _break_official_id(road, example, cb)
    if road == "google-forms":
        for key, name in example.exports.items():
            map_export(example.folder / name, cb, key)
    report = check_data_dir(example.folder, DEFAULT_CODEBOOK)
    assert report.failure is not None
    item = next(i for i in report.failure.items if i.column == "official_id")
    assert item.file == user_file and item.canonical == "official_ratings.csv"
    assert item.rows == [4] and item.values == ["X99"]
    text = item.paragraph()
    assert f"file {user_file} (read as official_ratings.csv), column 'official_id'" in text
    if header:
        assert f"(header {header!r})" in text


def test_a_codebook_with_an_alias_bomb_or_a_tag_is_a_codebook_error(tmp_path):
    """A data folder may bring its own codebook.yaml: the same limits as design.yaml."""
    from p3md.codebook import CodebookError

    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(
        BILLION_LAUGHS.replace("  i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]\n", ""),
        encoding="utf-8",
    )  # 9^8 = 43 million values: past the codebook's limit
    with pytest.raises(CodebookError, match="billion laughs"):
        load_codebook(bomb)
    tagged = tmp_path / "tagged.yaml"
    tagged.write_text("meta: !!python/object/apply:os.system ['echo pwned']\n", encoding="utf-8")
    with pytest.raises(CodebookError, match="not valid YAML"):
        load_codebook(tagged)


def test_a_reader_error_on_a_converted_input_names_both_files(cb, tmp_path):
    import pandas as pd

    from p3md.io.mapping import map_export
    from p3md.pipeline.check import check_data_dir
    from p3md.pipeline.params import DEFAULT_CODEBOOK
    from p3md.reconstruction.exports import BUILDERS

    example = BUILDERS["google-forms"](RAW, tmp_path / "gf", cb)
    for key, name in example.exports.items():
        map_export(example.folder / name, cb, key)
    name = example.exports["official_ratings"]
    df = pd.read_csv(example.folder / name, dtype=str, keep_default_na=False)
    header = next(h for h, c in example.truth["official_ratings"].items() if c == "pd03")
    df.loc[3, header] = "Luar biasa"  # spreadsheet row 5; no code for it in mapping.yaml
    df.to_csv(example.folder / name, index=False)
    report = check_data_dir(example.folder, DEFAULT_CODEBOOK)
    item = report.failure.items[0]
    assert (item.file, item.canonical, item.column, item.rows) == (
        name,
        "official_ratings.csv",
        header,
        [5],
    )
    assert f"file {name} (read as official_ratings.csv)" in item.paragraph()


def _twice(text: str, line: str, again: str) -> str:
    """``text`` with ``again`` written right after its line ``line`` (same indentation)."""
    assert line in text, line
    return text.replace(line, line + again, 1)


def test_a_key_written_twice_is_one_message_in_every_yaml_the_user_writes(cb, tmp_path):
    """PyYAML keeps the last of two equal keys without a word: a second ``district:`` or a
    pasted block would change the study silently. Each YAML a user writes refuses it with the
    file, the line, the key and the fix; the commands print it without a traceback."""
    from p3md.codebook import CodebookError, load_codebook
    from p3md.codebook.provenance import ProvenanceError, data_kind
    from p3md.stats.published import load_published

    folder = copy_raw(tmp_path)
    # design.yaml: through the codebook, `p3md check` and `p3md report`.
    (folder / "design.yaml").write_text(
        "district: Kabupaten Satu\nsurvey_period: 2024\ndistrict: Kabupaten Dua\n",
        encoding="utf-8",
    )
    with pytest.raises(DataFileError) as err:
        load_codebook(data_dir=folder)
    message = str(err.value)
    assert message.startswith("Problem in file design.yaml, line 3, key 'district'."), message
    assert "here and on line 1" in message and "Fix: keep one 'district'" in message
    for argv in (
        ("check", "--data", str(folder)),
        ("report", "--data", str(folder), "--out", str(tmp_path / "out"), "--no-site"),
    ):
        out = assert_clean(cli(*argv, cwd=tmp_path))
        assert "design.yaml, line 3, key 'district'" in out, (argv, out)
    (folder / "design.yaml").unlink()

    # mapping.yaml: the reader and `p3md map` run again over the user's file.
    write_mapping(folder, "frame.csv")
    shutil.copy2(RAW / "village_frame.csv", folder / "frame.csv")
    good = (folder / "mapping.yaml").read_text(encoding="utf-8")
    assert read_raw_file(folder, cb, "village_frame").shape[0] > 0
    (folder / "mapping.yaml").write_text(
        _twice(good, "    source: 'frame.csv'\n", "    source: 'other.csv'\n"), encoding="utf-8"
    )
    with pytest.raises(RawDataError) as raw_err:
        read_raw_file(folder, cb, "village_frame")
    assert raw_err.value.file == "mapping.yaml" and "key 'source'" in str(raw_err.value.column)
    assert "written twice" in raw_err.value.rule and "line 4" in raw_err.value.rule
    out = assert_clean(
        cli("map", "--data", str(folder / "frame.csv"), "--file", "village_frame", cwd=tmp_path)
    )
    assert "mapping.yaml" in out and "key 'source'" in out and "written twice" in out

    # codebook.yaml: a CodebookError with the line and the key (`p3md check` exits 2, usage).
    text = (PROJECT_ROOT / "data" / "codebook.yaml").read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith("meta:"))
    dup = tmp_path / "codebook.yaml"
    dup.write_text("".join(lines[: at + 2] + [lines[at + 1]] + lines[at + 2 :]), encoding="utf-8")
    key = lines[at + 1].split(":")[0].strip()
    with pytest.raises(CodebookError) as cb_err:
        load_codebook(dup)
    assert f"line {at + 3}: the key '{key}' is written twice" in str(cb_err.value)
    proc = cli("check", "--data", str(RAW), "--codebook", str(dup), cwd=tmp_path)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 2 and "Traceback" not in out and f"key '{key}'" in out, out

    # published.yaml and provenance.yaml.
    published = (PROJECT_ROOT / "data" / "published.yaml").read_text(encoding="utf-8")
    first = next(line for line in published.splitlines(keepends=True) if line[:1].isalpha())
    (tmp_path / "published.yaml").write_text(published + first, encoding="utf-8")
    with pytest.raises(DataFileError, match="Problem in file published.yaml, line") as pub_err:
        load_published(tmp_path / "published.yaml")
    assert f"key '{first.split(':')[0]}'" in str(pub_err.value)
    (folder / "provenance.yaml").write_text("data_kind: real\ndata_kind: synthetic\n")
    with pytest.raises(ProvenanceError, match="provenance.yaml, line 2, key 'data_kind'"):
        data_kind(folder)
