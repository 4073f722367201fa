"""published.yaml integrity, comparisons and the audit of the printed numbers."""

import pandas as pd
import pytest

from p3md.codebook import load_codebook
from p3md.stats import StatsInputError
from p3md.stats.audit import audit_published
from p3md.stats.published import (
    compare_conclusions,
    compare_values,
    conclusion_results,
    load_published,
    parse_printed,
    table_frame,
    value,
)


@pytest.fixture(scope="module")
def pub():
    return load_published()


@pytest.mark.parametrize(
    "printed,decimal,expected",
    [
        ("0,5833", ",", 0.5833),
        ("1.674", ",", 1674),
        ("0.872", ".", 0.872),
        ("58%", ",", 58),
        ("1:2,3", ",", 2.3),
        ("2435", ",", 2435),
    ],
)
def test_parse_printed(printed, decimal, expected):
    assert parse_printed(printed, decimal) == expected


def test_yaml_covers_the_printed_tables(pub):
    assert table_frame(pub, "T1").shape == (14, 7)
    assert table_frame(pub, "T2").shape == (12, 3)
    assert table_frame(pub, "T8").shape == (12, 2)
    assert sum(r.get("table") == "T9" for r in pub["values"]) == 35
    assert sum(r.get("table") == "T10" for r in pub["values"]) == 29
    assert (
        value(pub, "t8_padang_cermin_villages") == 14
        and value(pub, "t8_way_ratai_respondents") == 6
    )
    assert value(pub, "t1_pesawaran_idm") == 0.5833 and value(pub, "t1_jumlah_idm") == 0.63


def test_value_typo_is_refused(tmp_path):
    bad = tmp_path / "p.yaml"
    bad.write_text(
        'values:\n  - {id: a, source: s, description: d, printed: "0,5833", value: 0.5883}\n'
    )
    with pytest.raises(StatsInputError, match="parses to"):
        load_published(bad)


def test_compare_values_statuses(pub):
    out = compare_values(
        pub, {"t11_x2_alpha": 0.6774, "t11_x4_alpha": 0.69, "slovin_n": None}
    ).set_index("id")
    assert out.loc["t11_x2_alpha", "status"] == "sesuai"  # within half of 0.001
    assert out.loc["t11_x4_alpha", "status"] == "tidak sesuai"
    assert out.loc["slovin_n", "status"] == "tidak dapat dihitung"
    with pytest.raises(StatsInputError):
        compare_values(pub, {"no_such_id": 1})


def test_compare_conclusions(pub):
    spear = pd.DataFrame(
        {
            "group": "all",
            "x": ["X1", "X2"],
            "y": "Y",
            "rho": [0.1, 0.5],
            "significant": [False, False],
        }
    )
    res = conclusion_results(categories={("Y", "PLD"): "Baik"}, spearman=spear)
    out = compare_conclusions(pub, res).set_index("id")
    assert out.loc["c1_pld_baik", "status"] == "sesuai"
    assert (
        out.loc["c2_x1_not_related", "status"] == "sesuai"
        and out.loc["c2_x1_not_related", "implied"]
    )
    assert out.loc["c2_x2_related", "status"] == "tidak sesuai"
    assert out.loc["c3_role_difference", "status"] == "tidak dapat dihitung"


def test_audit_finds_the_known_inconsistencies(pub):
    a = audit_published(pub, load_codebook(), lang="en")  # the English words, kept as data
    assert list(a.columns) == [
        "check",
        "source",
        "computation",
        "printed",
        "recomputed",
        "consistent",
    ]
    bad = set(a.loc[~a["consistent"], "check"])
    for expected in [
        "T8 column sum: villages",
        "T8 column sum: respondents",
        "T8 vs T2 villages: Padang Cermin",
        "T8 allocation (largest remainder): Way Ratai",  # a word, not the key
        "Text range lower end vs smallest r in Tables 9-10",
        "Table 11 threshold vs the text's threshold",
        "Cross-reference: Tabel 3 (Tesis, Bab III B)",
    ]:
        assert expected in bad
    good = set(a.loc[a["consistent"], "check"])
    for expected in [
        "Slovin sample size",
        "Facilitator : village ratio",
        "Wioi gain = post - pre",
        "T1 column sum: berkembang",
        "T2 column sum: villages",
        "T8 allocation (largest remainder): Padang Cermin",
    ]:
        assert expected in good
    assert any(c.startswith("Critical r at n = 30") for c in good)
    grim = a[a["check"].str.startswith("GRIM percent")]
    assert grim["consistent"].sum() == 2  # only 50 % and 88 % are k/16


def test_audit_speaks_indonesian_by_default_and_states_no_english(pub):
    """The report's audit table: the same checks and verdicts, in Indonesian words, with the
    counts taken from the printed tables (13 kabupaten in Tabel 1, r tabel from Tabel 9)."""
    cb = load_codebook()
    id_, en = audit_published(pub, cb), audit_published(pub, cb, lang="en")
    assert (id_["consistent"] == en["consistent"]).all() and len(id_) == len(en)
    text = " ".join(id_["check"]) + " " + " ".join(id_["computation"])
    for english in (
        "mean of",
        "sum of allocated",
        "row sum",
        "column sum",
        "values compared",
        "lists",
        "Cross-reference",
    ):
        assert english not in text, english
    assert "T1 IDM Lampung vs rata-rata 13 rata-rata kabupaten" in set(id_["check"])
    assert any("dibandingkan dengan 0,361" in c for c in id_["computation"])


def test_conclusion_checks_name_the_run_alpha_in_the_report_language(pub):
    from p3md.stats.published import describe_check

    check = {"kind": "spearman", "x": "X2", "y": "Y", "expected": True}
    assert describe_check(check, {"correlation": 0.1}) == "Spearman X2 ~ Y nyata pada α = 0,10"
    assert describe_check(check, {"correlation": 0.05}, "en").endswith("significant at α = 0.05")
    assert describe_check(check) == "Spearman X2 ~ Y nyata"
