"""``conflictstats rates`` and ``conflictstats claim``, run in process.

Expected numbers come from R (``tests/reference/cli.json``, with the R calls).
"""

import json
import re
from pathlib import Path

import pytest

from conflictstats.cli import main

REFERENCE = {
    case["id"]: case["expected"]
    for case in json.loads(
        (Path(__file__).parent / "reference" / "cli.json").read_text(encoding="utf-8")
    )["cases"]
}


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def _ratio_line(ref):
    return f"rate ratio {ref['estimate']:.3g} (95% CI {ref['ci_low']:.3g} to {ref['ci_high']:.3g})"


# ---------------------------------------------------------------------------------------------
# rates
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "argv",
    [
        ["75/month x 11", "60/month x 12"],
        ["75/month*11", "60/months*12"],
        ["75/month", "60/month", "--periods", "11", "12"],
        ["75", "60", "--rate", "--periods", "11", "12"],
        ["825/11", "720/12"],
        ["825", "720", "--periods", "11", "12"],
    ],
)
def test_rates_the_claim_75_a_month_versus_60(capsys, argv):
    ref = REFERENCE["claim_75_a_month_x11_vs_60_x12_exact_cond"]
    code, out, err = run(capsys, "rates", *argv)
    assert code == 0, err
    assert f"{_ratio_line(ref)}, p < 0.001 [exact-cond]" in out
    assert "825" in out and "720" in out


def test_rates_given_as_rates_say_so(capsys):
    code, out, _ = run(capsys, "rates", "75/month x 11", "60/month x 12")
    assert out.startswith(
        "75 a month over 11 months (825 events) against 60 a month over 12 months (720 events)"
    )


def test_rates_counts_keep_their_meaning(capsys):
    ref = REFERENCE["counts_75_in_11_vs_60_in_12_exact_cond"]
    code, out, _ = run(capsys, "rates", "75/11", "60/12")
    assert code == 0
    assert f"{_ratio_line(ref)}, p = {ref['pvalue']:.3f} [exact-cond]" in out
    assert out.startswith("75 events over 11 against 60 events over 12")


def test_rates_dispersion(capsys):
    code, out, _ = run(
        capsys, "rates", "75/month x 11", "60/month x 12", "--dispersion", "1", "2", "5", "10"
    )
    assert code == 0
    table = out.split("score test:\n")[1].splitlines()
    assert table[0].split() == ["dispersion", "estimate", "95%", "CI", "pvalue"]
    assert [row.split()[0] for row in table[1:5]] == ["1.00", "2.00", "5.00", "10.0"]
    assert table[1].split()[-2:] == ["<", "0.001"] and table[4].split()[-1] == "0.166"
    assert "significant at the 5% level while the dispersion is below 5" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["-5/1", "3/1"], "count1 is negative (-5 in '-5/1')"),
        (["5", "-3"], "count2 is negative (-3 in '-3')"),
        (["-75/month x 11", "60/month x 12"], "rate1 is negative"),
        (["-.5", "3"], "count1 is negative"),
        (["75/month", "60/month"], "how many months does '75/month' cover?"),
        (["75/month x 11", "900/year x 1"], "per different units (month, year)"),
        (["75/11", "60/12", "--rate"], "with --rate give the rate alone"),
        (["75/month x 11", "60/month x 12", "--periods", "11", "12"], "leave out --periods"),
        (["825/11", "720/12", "--periods", "11", "12"], "leave out --periods"),
        (["0", "0"], "both 0"),
        (["3/0", "2"], "exposure1"),
        (["75/month x 11", "60/month x 12", "--dispersion", "0"], "dispersion"),
        (["5", "3", "--dispersion", "2", "--compare", "difference"], "--dispersion checks a ratio"),
    ],
)
def test_rates_bad_input_is_named(capsys, argv, message):
    code, out, err = run(capsys, "rates", *argv)
    assert code == 2
    assert message in err and out == ""
    assert "required" not in err


def test_rates_unreadable_side_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["rates", "3/x", "2"])
    assert exc.value.code == 2
    assert "expected COUNT, COUNT/EXPOSURE or RATE/UNIT x PERIODS" in capsys.readouterr().err


def test_rates_fractional_count_from_a_rate_is_rounded_with_a_note(capsys):
    code, out, err = run(capsys, "rates", "7.5/month x 3", "6/month x 3")
    assert code == 0
    assert "22.5 events, rounded to 23" in err and "(23 events)" in out


def test_rates_help_example_is_the_claim(capsys):
    with pytest.raises(SystemExit):
        main(["rates", "--help"])
    text = capsys.readouterr().out
    assert "conflictstats rates '75/month x 11' '60/month x 12'" in text
    assert "not 75/11 60/12" in text
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "'75/month x 11' '60/month x 12'" in " ".join(capsys.readouterr().out.split())


# ---------------------------------------------------------------------------------------------
# claim
# ---------------------------------------------------------------------------------------------
CLAIM = "up to 75 attacks a month this year versus 60 in 2016"


def test_claim_reads_both_figures_and_checks_them(capsys):
    ref = REFERENCE["claim_75_a_month_x11_vs_60_x12_exact_cond"]
    code, out, err = run(capsys, "claim", CLAIM, "--periods", "11", "12")
    assert code == 0, err
    assert "'up to 75 attacks a month' (this year) -> up to 75 in [0, 75], attacks a month" in out
    assert "'60' (in 2016) [unit and rate carried over from the first]" in out
    assert "periods: 11 and 12 months (from --periods)" in out
    assert "(825) against 60 over 12 (720)" in out
    rows = {
        line.split()[0]: line.split()
        for line in out.splitlines()
        if re.match(r"^\s+\d", line) and " to " in line
    }
    assert set(rows) == {"1.00", "2.00", "5.00", "10.0", "20.0"}
    assert rows["1.00"][1] == "1.25" and rows["1.00"][-2:] == ["<", "0.001"]
    # the score interval at dispersion 1 is close to, not equal to, R's exact one
    assert float(rows["1.00"][2]) == pytest.approx(ref["ci_low"], abs=0.01)


def test_claim_says_up_to_is_a_maximum_and_gives_the_mean_needed(capsys):
    ref = REFERENCE["mean_needed_up_to_75_x11_vs_60_x12"]
    code, out, _ = run(capsys, "claim", CLAIM, "--periods", "11", "12")
    assert code == 0
    assert (
        "note: 75 ('up to 75 attacks a month') is a maximum, the busiest month, not a mean" in out
    )
    assert "is a maximum, not a mean: it bounds the busiest month" in out
    assert "overstates the difference" in out
    needed = dict(
        (int(d), float(m))
        for m, d in re.findall(r"above ([\d.]+) a month at dispersion (\d+)", out)
    )
    assert sorted(needed) == ref["dispersion"]
    for d, m in zip(ref["dispersion"], ref["mean"]):
        assert needed[d] == pytest.approx(m, abs=0.05)
    assert "out of reach at dispersion 10" in out and "out of reach at dispersion 20" in out


def test_claim_default_periods_are_documented_and_printed(capsys):
    code, out, _ = run(capsys, "claim", CLAIM)
    assert code == 0
    assert "periods: 12 and 12 months (default: a year of months each" in out
    assert "(900) against 60 over 12 (720)" in out


def test_claim_other_qualifiers(capsys):
    code, out, _ = run(capsys, "claim", "at least 30 a week compared with 20")
    assert code == 0 and "is a minimum" in out and "understates the difference" in out
    assert "periods: 52 and 52 weeks" in out
    code, out, _ = run(
        capsys, "claim", "about 70 attacks a month versus 60", "--periods", "11", "12"
    )
    assert code == 0 and "is not one number: the check uses 70" in out
    assert re.search(r"65: p = 0\.\d{3}, 75: p < 0\.001", out)
    code, out, _ = run(capsys, "claim", "up to 50 a month versus 60")
    assert code == 0 and "understates the difference" in out and "out of reach" not in out


def test_claim_options(capsys):
    code, out, _ = run(
        capsys,
        "claim",
        CLAIM,
        "--periods",
        "11",
        "12",
        "--dispersion",
        "3",
        "--alternative",
        "larger",
        "--method",
        "wald",
    )
    assert code == 0 and "wald test, one-sided (larger)" in out
    assert "above" in out and "at dispersion 3" in out


@pytest.mark.parametrize(
    ("claim", "message"),
    [
        ("75 60", "no 'versus'"),
        ("versus 60", "the first figure is empty"),
        ("75 versus 60 versus 50", "more than one connector"),
        ("lots versus 60", "cannot read reported figure"),
        ("about half versus 60", "is a share"),
        ("75 a month versus 6,000 a year", "rates per different units (month, year)"),
        ("-5 a month versus 3", "the first figure is negative ('-5 a month')"),
        ("5 a month versus -3", "the second figure is negative ('-3')"),
    ],
)
def test_claim_bad_input(capsys, claim, message):
    code, out, err = run(capsys, "claim", claim)
    assert code == 2 and message in err and out == ""


def test_claim_bad_periods(capsys):
    code, _, err = run(capsys, "claim", CLAIM, "--periods", "0", "12")
    assert code == 2 and "periods1" in err


def test_claim_reads_figures_under_every_rule_set(capsys):
    # the sensitivity rule sets are offered by `figures` and must be by `claim` too
    phrase = "about 7,000 fighters compared with 6,000"
    readings = {}
    for rule_set in ("default", "narrow", "wide", "acled"):
        code, out, err = run(capsys, "claim", phrase, "--rule-set", rule_set)
        assert code == 0, err
        readings[rule_set] = re.search(r"-> about 7,000 in \[([\d,.]+), ([\d,.]+)\]", out).groups()
    assert readings["default"] == ("6,500", "7,500")
    low = {k: float(v[0].replace(",", "")) for k, v in readings.items()}
    assert low["wide"] < low["default"] < low["narrow"]
