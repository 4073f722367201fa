"""Any rating scale (issue 17): k >= 2 ordered options from 0 or 1, reverse keys as
(min + max) - code, theoretical ranges, modal-answer columns, and readable refusals."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest

from p3md.codebook import CodebookError, load_codebook, read_yaml, validate_codebook
from p3md.codebook.model import Codebook
from p3md.pipeline.params import DEFAULT_CODEBOOK
from p3md.scoring.aggregate import modal_scores
from p3md.scoring.items import score_item

LIKERT5 = {
    1: "Sangat tidak setuju",
    2: "Tidak setuju",
    3: "Netral",
    4: "Setuju",
    5: "Sangat setuju",
}


@pytest.fixture(scope="module")
def thesis_data():
    return read_yaml(DEFAULT_CODEBOOK)


def _with_x7_on(data, scale: dict[int, str], cats) -> dict:
    """The thesis codebook with X7 (9 items) on another scale and the given categories."""
    data = copy.deepcopy(data)
    data["scales"]["likert"] = scale
    for item in data["items"]:
        if item["variable"] == "X7":
            item["response"] = {"type": "options", "scale": "likert"}
    data["variables"]["X7"]["categories"] = cats
    return data


def test_five_point_scale_sets_the_theoretical_range(thesis_data):
    cats = [
        {"min": 34, "max": 45, "label": "Baik"},
        {"min": 22, "max": 33, "label": "Cukup"},
        {"min": 9, "max": 21, "label": "Kurang"},
    ]
    cb = validate_codebook(_with_x7_on(thesis_data, LIKERT5, cats))
    assert cb.theoretical_range("X7") == (9, 45)  # 9 items x 1..5
    assert cb.option_scores(["x7_1"]) == [5, 4, 3, 2, 1]
    assert cb.score_labels(["x7_1", "x7_2"]) == LIKERT5


def test_wrong_categories_say_what_to_change(thesis_data):
    data = _with_x7_on(thesis_data, LIKERT5, thesis_data["variables"]["X7"]["categories"])
    with pytest.raises(CodebookError) as err:
        validate_codebook(data, "cb.yaml")
    msg = str(err.value)
    assert "variables.X7" in msg and "9 to 45" in msg
    # the suggested partition is itself valid: 9..45 in three classes
    assert "{min: 33, max: 45, label: ...}, {min: 21, max: 32, label: ...}, {min: 9, max: 20" in msg


def test_reverse_keyed_five_point_item_is_min_plus_max_minus_code(thesis_data):
    data = _with_x7_on(
        thesis_data,
        LIKERT5,
        [
            {"min": 34, "max": 45, "label": "a"},
            {"min": 22, "max": 33, "label": "b"},
            {"min": 9, "max": 21, "label": "c"},
        ],
    )
    next(i for i in data["items"] if i["id"] == "x7_3")["reverse"] = True
    cb = validate_codebook(data)
    raw = pd.Series([1, 2, 3, 4, 5, None])
    got = score_item(cb, cb.item("x7_3"), raw, pd.Series(["PLD"] * 6))
    np.testing.assert_array_equal(got, [5, 4, 3, 2, 1, np.nan])
    assert cb.option_labels("x7_3")[1] == "Sangat setuju"  # code 1 carries the score-5 label


def test_zero_based_scale_reverses_within_its_range(thesis_data):
    scale = {0: "Tidak pernah", 1: "Jarang", 2: "Sering", 3: "Selalu"}
    data = _with_x7_on(
        thesis_data,
        scale,
        [
            {"min": 18, "max": 27, "label": "a"},
            {"min": 9, "max": 17, "label": "b"},
            {"min": 0, "max": 8, "label": "c"},
        ],
    )
    next(i for i in data["items"] if i["id"] == "x7_1")["reverse"] = True
    cb = validate_codebook(data)
    assert cb.theoretical_range("X7") == (0, 27)
    got = score_item(cb, cb.item("x7_1"), pd.Series([0, 3, 1]), pd.Series(["PDP"] * 3))
    np.testing.assert_array_equal(got, [3, 0, 2])


@pytest.mark.parametrize(
    "scale,words",
    [
        ({1: "a"}, "at least 2 options"),
        ({2: "a", 3: "b", 4: "c"}, "do not run 0..k or 1..k"),
        ({1: "a", 2: "b", 4: "c"}, "do not run 0..k or 1..k"),
    ],
)
def test_bad_scales_are_refused_with_the_fix(thesis_data, scale, words):
    data = copy.deepcopy(thesis_data)
    data["scales"]["tinggi"] = scale
    with pytest.raises(CodebookError) as err:
        validate_codebook(data)
    assert "scales.tinggi" in str(err.value) and words in str(err.value)
    assert "consecutive whole-number codes" in str(err.value)


def test_unknown_key_and_unknown_scale_name_the_place(thesis_data):
    data = copy.deepcopy(thesis_data)
    data["items"][0]["response"]["scale"] = "tidak_ada"
    data["varaibles"] = {}
    with pytest.raises(CodebookError) as err:
        validate_codebook(data)
    assert "varaibles: is not a codebook key" in str(err.value)


def test_interval_classes_must_match_the_categories(thesis_data):
    data = copy.deepcopy(thesis_data)
    data["interval_classes"] = 4
    with pytest.raises(CodebookError, match="interval_classes: categories"):
        validate_codebook(data)
    data["interval_classes"] = "categories"
    assert validate_codebook(data).interval_classes == "categories"


def test_modal_scores_on_five_options_take_the_lowest_tie():
    # facilitator a: answers 5, 5, 4 -> 5; b: 2, 4 (tie) -> 2; c: nothing -> NaN
    scores = pd.DataFrame({"s": [5, 5, 4, 2, 4, np.nan]})
    by = pd.Series(["a", "a", "a", "b", "b", "c"])
    got = modal_scores(scores, by)["s"]
    assert got["a"] == 5 and got["b"] == 2 and np.isnan(got["c"])


def test_thesis_codebook_keeps_three_point_columns():
    cb = load_codebook()
    assert isinstance(cb, Codebook)
    assert cb.option_scores([i.id for i in cb.items]) == [3, 2, 1]
    assert cb.score_labels(["pd01", "pd02"]) is None  # mixed scales: "Skor 3" columns


def test_template_cli_refuses_a_bad_codebook_without_traceback(tmp_path, thesis_data, capsys):
    import yaml

    from p3md.cli import main

    data = _with_x7_on(thesis_data, LIKERT5, thesis_data["variables"]["X7"]["categories"])
    path = tmp_path / "codebook.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert main(["template", "--out", str(tmp_path / "t.xlsx"), "--codebook", str(path)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "variables.X7" in err


def test_control_characters_in_codebook_texts_are_refused_with_their_path(thesis_data, tmp_path):
    """A carriage return in a category label once split the tidy CSV's rows. YAML writes every
    line break of the file as a line feed, so a CR (or NUL, ESC) comes only from an escape
    ("\\r") or a pasted file: refused with the codebook path, the rule and the fix. A tab is
    text (downloads neutralise one at a cell's start); a line break is refused where the text
    is one line (labels, names, scale options), kept in a question text written as a block."""
    from p3md.codebook import DESIGN_FILE
    from p3md.safe_yaml import DataFileError

    data = copy.deepcopy(thesis_data)
    data["variables"]["X4"]["categories"][0]["label"] = "\r=1+1"
    data["scales"][next(iter(data["scales"]))][1] = "Rendah\x1b[31m"
    with pytest.raises(CodebookError) as err:
        validate_codebook(data)
    assert len(err.value.problems) == 2, err.value.problems
    option, label = sorted(err.value.problems, key=lambda p: not p.startswith("scales"))
    assert label.startswith("variables.X4.categories[0].label: the text holds a control")
    assert "(0x0d;" in label and "carriage return" in label and "Fix" not in label
    assert label.endswith("retype the text without it (remove the escape)")
    assert option.startswith(f"scales.{next(iter(data['scales']))}.1:") and "0x1b" in option
    assert "carriage" not in option

    data = copy.deepcopy(thesis_data)
    data["variables"]["X1"]["name_id"] = "Usia\n"  # a `|` block: one line is meant
    data["items"][0]["text"] = "Baris satu\nbaris dua\n"  # a question text may be a block
    data["variables"]["X2"]["categories"][0]["label"] = "\t=1+1"
    with pytest.raises(CodebookError) as err:
        validate_codebook(data)
    assert err.value.problems == [
        "variables.X1.name_id: the text holds a line break, but it is shown on one line (a "
        "table cell, a header, a caption); write it on one line (a YAML block `|` or `>` ends "
        "with a line break: use one quoted line, or `>-`)"
    ]
    data["variables"]["X1"]["name_id"] = "Usia"
    cb = validate_codebook(data)
    assert cb.variables["X2"].categories[0].label == "\t=1+1"
    assert cb.items[0].text == "Baris satu\nbaris dua\n"

    # A district's design.yaml: the same rule, through the data folder's message.
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / DESIGN_FILE).write_text('district: "Kabupaten\\rContoh"\n', encoding="utf-8")
    with pytest.raises(DataFileError) as design_err:
        load_codebook(data_dir=folder)
    assert str(design_err.value).startswith(
        "Problem in file design.yaml, key 'district'. Rule: the text holds a control character"
    )
