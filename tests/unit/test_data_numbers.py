"""convlstm.data.numbers: value cells with currency signs or codes, percent signs
and accounting negatives parse as numbers, and every removal is reported."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from convlstm import DataError, read_csv, to_series


def day(i: int) -> str:
    return (date(2021, 1, 1) + timedelta(days=i)).isoformat()


def csv(cells: list[str], sep: str = ",", name: str = "Sales") -> bytes:
    """A file with a daily 'date' column and one value column, cells quoted."""
    rows = "".join(f'{day(i)}{sep}"{cell}"\n' for i, cell in enumerate(cells))
    return f"date{sep}{name}\n{rows}".encode()


def series(data: bytes, **kwargs):
    return to_series(read_csv(data), **kwargs)


def test_us_dollars_with_thousands_separators():
    cells = [f"${1234.5 + 10 * i:,.2f}" for i in range(28)]
    y = series(csv(cells))
    np.testing.assert_allclose(y.to_numpy(), 1234.5 + 10 * np.arange(28))
    notes = y.attrs["notes"]
    assert "column 'Sales': removed the currency sign '$' from 28 cells" in notes
    assert "column 'Sales': read numbers with thousands separators" in notes


def test_euro_prefix_in_european_semicolon_file():
    cells = [f"€ 1.{200 + i},50" for i in range(28)]
    y = series(csv(cells, sep=";"))
    np.testing.assert_allclose(y.to_numpy(), 1200.5 + np.arange(28))
    notes = y.attrs["notes"]
    assert "column 'Sales': removed the currency sign '€' from 28 cells" in notes
    assert any("decimal comma" in note for note in notes)


def test_euro_decimal_comma_without_thousands():
    cells = [f"€ {i},5" for i in range(28)]
    y = series(csv(cells, sep=";"))
    np.testing.assert_allclose(y.to_numpy(), np.arange(28) + 0.5)


def test_percent_keeps_the_units():
    cells = [f"{i}.5%" for i in range(28)]
    y = series(csv(cells, name="Rate"))
    np.testing.assert_allclose(y.to_numpy(), np.arange(28) + 0.5)  # not / 100
    assert any(
        note.startswith("column 'Rate': removed the percent sign from 28 cells")
        and "kept in percent" in note
        for note in y.attrs["notes"]
    )


def test_accounting_negatives_in_plain_column():
    cells = ["(1,234)" if i % 4 == 0 else f"{1000 + i:,}" for i in range(28)]
    y = series(csv(cells))
    assert y.iloc[0] == -1234
    assert y.iloc[1] == 1001
    assert (y.to_numpy() < 0).sum() == 7
    assert any(
        "7 values in parentheses as negative" in note for note in y.attrs["notes"]
    )


def test_accounting_negatives_with_currency_sign():
    cells = ["($1,234.00)" if i == 3 else f"${i}.00" for i in range(28)]
    y = series(csv(cells))
    assert y.iloc[3] == -1234
    assert y.iloc[4] == 4


def test_signed_currency():
    cells = [f"-${i}" if i % 2 else f"$-{i}" for i in range(28)]
    y = series(csv(cells))
    np.testing.assert_allclose(y.to_numpy(), -np.arange(28))


@pytest.mark.parametrize(
    ("cell", "code"), [("USD {}", "USD"), ("{} EUR", "EUR"), ("usd{}", "USD")]
)
def test_iso_currency_codes(cell, code):
    y = series(csv([cell.format(100 + i) for i in range(28)]))
    np.testing.assert_allclose(y.to_numpy(), 100 + np.arange(28))
    assert (
        f"column 'Sales': removed the currency code '{code}' from 28 cells"
        in y.attrs["notes"]
    )


def test_pound_suffix_with_space_thousands():
    cells = [f"{i + 1} 234 £" for i in range(28)]
    y = series(csv(cells))
    np.testing.assert_allclose(y.to_numpy(), 1234 + 1000 * np.arange(28))
    assert (
        "column 'Sales': removed the currency sign '£' from 28 cells"
        in (y.attrs["notes"])
    )


def test_missing_markers_stay_missing():
    cells = [f"${i}" for i in range(28)]
    cells[5], cells[9], cells[12] = "n/a", "-", ""
    y = series(csv(cells))
    # 25 of 25 non-empty cells carry '$'; the missing ones are interpolated
    assert (
        "column 'Sales': removed the currency sign '$' from 25 cells"
        in (y.attrs["notes"])
    )
    np.testing.assert_allclose(y.to_numpy(), np.arange(28))


def test_mixed_currencies_are_rejected():
    cells = [f"${i}" if i % 3 else f"€{i}" for i in range(28)]
    df = read_csv(csv(cells))  # reading alone does not fail
    with pytest.raises(DataError) as info:
        to_series(df)
    message = str(info.value)
    assert "column 'Sales'" in message
    assert "'$'" in message and "'€'" in message


def test_mixed_currencies_with_one_odd_cell_are_rejected():
    cells = ["€5" if i == 20 else f"${i}" for i in range(28)]
    with pytest.raises(DataError, match=r"'\$' in 27 cells and '€' in 1"):
        series(csv(cells))


def test_mixed_column_is_ignored_when_another_value_column_is_picked():
    rows = "".join(f'{day(i)},{i},"{"$" if i % 2 else "€"}{i}"\n' for i in range(28))
    y = series(f"date,units,price\n{rows}".encode())
    assert y.attrs["value_col"] == "units"
    with pytest.raises(DataError, match="'price'"):
        series(f"date,units,price\n{rows}".encode(), value_col="price")


def test_a_few_marked_cells_are_not_stripped():
    """1 of 50 cells with '$' is below the 80% share: the cell is treated as
    not a number (reported, then interpolated), never silently reinterpreted."""
    cells = ["$7" if i == 7 else str(i) for i in range(50)]
    y = series(csv(cells))
    notes = y.attrs["notes"]
    assert not any("currency" in note for note in notes)
    assert any(
        "1 non-numeric cells as missing" in note
        and "'$7'" in note
        and "they carry '$' and the others do not" in note
        for note in notes
    )
    np.testing.assert_allclose(y.to_numpy(), np.arange(50))  # 7 interpolated


def test_share_threshold():
    # 8 of 10 non-empty cells carry '%' (80%): removed; plain cells kept as they are
    cells = [f"{i}%" if i < 8 else str(i) for i in range(10)]
    y = series(csv(cells))
    np.testing.assert_allclose(y.to_numpy(), np.arange(10))
    # 7 of 10 (70%): not removed, and most cells do not read -> an error that
    # says some cells carry the sign and the others do not
    cells = [f"{i}%" if i < 7 else str(i) for i in range(10)]
    with pytest.raises(DataError, match="7 of 10 cells carry '%' and the other 3 do"):
        series(csv(cells))
    # other text among them: the plain "not numbers"
    cells = [f"{i}%" if i < 6 else str(i) for i in range(10)]
    cells[0] = "about 5"
    with pytest.raises(DataError, match="not numbers"):
        series(csv(cells))


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        # a German export's scientific notation: "1,002E+03" is 1002, not 1002000
        ([f"1,{i:03d}E+03" for i in range(28)], 1000.0 + np.arange(28)),
        (
            [f"{1 + i / 100:.2f}E-05".replace(".", ",") for i in range(28)],
            (1 + np.arange(28) / 100) * 1e-5,
        ),
    ],
)
def test_decimal_comma_in_scientific_notation(cells, expected):
    y = series(csv(cells, sep=";"))
    np.testing.assert_allclose(y.to_numpy(), expected)
    assert "column 'Sales': read numbers with a decimal comma" in y.attrs["notes"]


def test_accounting_zero_dash_reads_as_zero():
    cells = [f"$ {1000 + 10 * i:,}.50" if i % 5 else "$ -" for i in range(28)]
    y = series(csv(cells))
    expected = [0.0 if i % 5 == 0 else 1000.5 + 10 * i for i in range(28)]
    np.testing.assert_allclose(y.to_numpy(), expected)
    notes = " ".join(y.attrs["notes"])
    assert "read 6 cells such as '$ -' as 0" in notes
    assert "interpolated" not in notes


@pytest.mark.parametrize(
    ("cells", "said"),
    [
        ([f"{4 + i % 3},{100 + i:03d}" for i in range(28)], True),
        ([f"0,{100 + i:03d}" for i in range(28)], False),
    ],
)
def test_three_digits_after_a_comma_in_a_semicolon_file_say_it_may_group(cells, said):
    y = series(csv(cells, sep=";"))
    assert y.iloc[0] == float(cells[0].replace(",", "."))  # read as decimals
    notes = " ".join(y.attrs["notes"])
    assert ("the comma may group thousands instead" in notes) is said


@pytest.mark.parametrize(
    ("flag", "sep"),
    [
        ("*", ","),
        (" p", ";"),
        (" ep", ";"),
        ("\u2020", ","),
        ("p", ","),  # provisional, without a space
        ("r", ","),  # revised
        ("\u00b9", ","),  # a superscript footnote number
        ("\u00b2\u2074", ","),
    ],
)
def test_flagged_figures_keep_their_value(flag, sep):
    # a footnote mark or a statistics flag after a figure: still the figure
    cells = [f"{100 + i}.5" + (flag if i % 4 == 0 else "") for i in range(28)]
    y = series(csv(cells, sep=sep))
    np.testing.assert_allclose(y.to_numpy(), 100.5 + np.arange(28))
    notes = " ".join(y.attrs["notes"])
    assert "without the flag or footnote mark" in notes
    assert "missing" not in notes


def test_eurostat_colon_is_missing():
    cells = [":" if i == 5 else f"{i}.5" for i in range(28)]
    y = series(csv(cells, sep=";"))
    assert y.iloc[5] == pytest.approx(5.5)  # interpolated
    assert any("interpolated 1 missing" in n for n in y.attrs["notes"])


def test_a_leading_zero_before_the_comma_marks_a_decimal_in_a_comma_file():
    # anomalies quoted with a decimal comma in a comma-separated file: "0,440"
    # cannot group thousands (it was read as 440)
    cells = [f"{(-1) ** i * (i % 9) / 10:.3f}".replace(".", ",") for i in range(28)]
    y = series(csv(cells))
    assert y.abs().max() < 1
    assert any("decimal comma" in n for n in y.attrs["notes"])
    # thousands are still thousands
    y = series(csv([f"{1000 + 37 * i:,}" for i in range(28)]))
    assert y.iloc[0] == 1000 and y.iloc[1] == 1037


@pytest.mark.parametrize("marker", ["-999", "-99.99", "9999", "-9.99", "999.9"])
def test_missing_value_markers_read_as_missing(marker):
    cells = [f"{0.1 * (i % 7) - 0.3:.2f}" for i in range(40)]
    cells[5] = cells[20] = marker
    y = series(csv(cells, name="anomaly"))
    assert y.abs().max() < 1
    note = next(n for n in y.attrs["notes"] if "marker" in n)
    assert f"read 2 cells of {float(marker):g} as missing (first at row 7)" in note
    assert len(y.attrs["filled"]) == 2  # interpolated, not scored


def test_values_of_nines_inside_the_data_stay():
    # a 999 among prices of 900 to 1100, a 99 among percentages
    prices = [str(900 + (i * 37) % 200) for i in range(40)]
    prices[7] = "999"
    assert series(csv(prices)).iloc[7] == 999
    shares = [str(50 + (i * 13) % 50) for i in range(40)]
    shares[3] = "99"
    assert series(csv(shares)).iloc[3] == 99


def test_a_wide_file_padded_with_markers_starts_each_series_at_its_data():
    from convlstm import to_panel

    rows = ["month,a,b"]
    for i in range(48):
        b = "-999" if i < 12 else f"{5 + (i % 12) / 2:.1f}"
        rows.append(f"2020-{i % 12 + 1:02d}-01,{10 + (i % 12) / 3:.2f},{b}")
    rows = [rows[0]] + [
        f"{2020 + i // 12}-{i % 12 + 1:02d}-01,{r.split(',', 1)[1]}"
        for i, r in enumerate(rows[1:])
    ]
    panel = to_panel(read_csv(("\n".join(rows) + "\n").encode()))
    b = panel[panel["series"] == "b"]
    assert len(b) == 36 and b["value"].min() > 0


@pytest.mark.parametrize("token", ["*", "c", "suppressed", "[x]", ":c"])
def test_suppressed_cells_are_missing_and_said(token):
    cells = [str(20 + (i * 7) % 11) for i in range(30)]
    cells[4] = cells[17] = token
    y = series(csv(cells, name="Cases"))
    assert y.attrs["value_col"] == "Cases"
    note = next(n for n in y.attrs["notes"] if "suppressed" in n)
    assert f"read 2 cells such as {token!r} (first at row 6) as missing" in note
    assert len(y.attrs["filled"]) == 2


def test_a_count_column_mostly_below_a_bound_is_read():
    # a rare disease: most weeks "<5", some counted
    cells = ["<5"] * 20 + [str(5 + i) for i in range(10)]
    y = series(csv(cells, name="Cases"))
    assert (y.iloc[:20] == 2.5).all() and y.iloc[-1] == 14
    with pytest.raises(DataError):
        series(csv(["<5"] * 30, name="Cases"))  # bounds alone: no numbers


@pytest.mark.parametrize(
    ("cells", "sep", "unit", "first"),
    [
        ([f"{12 + i % 5} kg" for i in range(28)], ",", "kg", 12.0),
        ([f"{12 + i % 5}kg" for i in range(28)], ",", "kg", 12.0),
        ([f"{-3 + i},5 °C" for i in range(28)], ";", "°C", -3.5),
        ([f"1,{234 + i} MWh" for i in range(28)], ",", "MWh", 1234.0),
        ([f"{5 + i} km/h" for i in range(28)], ",", "km/h", 5.0),
    ],
)
def test_a_unit_after_every_number_is_removed_and_said(cells, sep, unit, first):
    # exports write the unit in each cell ("12 kg"); all of them were "not numbers"
    y = series(csv(cells, sep=sep))
    assert y.iloc[0] == pytest.approx(first)
    assert any(f"removed the unit '{unit}'" in n for n in y.attrs["notes"])


def test_units_that_differ_are_refused_and_ordinals_are_not_units():
    cells = [f"{12 + i} kg" if i % 3 else f"{500 + i} g" for i in range(28)]
    with pytest.raises(DataError, match="different units, 'kg' in 18 cells and 'g'"):
        series(csv(cells))
    # a case apart is another unit (milliwatts are not megawatts)
    cells = [f"{12 + i} MW" if i % 3 else f"{12 + i} mW" for i in range(28)]
    with pytest.raises(DataError, match="different units"):
        series(csv(cells))
    ordinals = [f"{i + 1}{'st' if i % 10 == 0 else 'th'}" for i in range(28)]
    with pytest.raises(DataError, match="are not numbers"):
        series(csv(ordinals))


def test_multipliers_after_numbers_read_at_their_full_value():
    # social and finance exports write "950", "1.2K", "3.4M": two multipliers, or
    # some cells without one, say they are magnitudes
    cells = ["950", "1.2K", "3.4M", "12K"] * 7
    y = series(csv(cells))
    assert list(y.iloc[:4]) == [950.0, 1200.0, 3_400_000.0, 12_000.0]
    (note,) = [n for n in y.attrs["notes"] if "multiplier" in n]
    assert "K = thousand, M = million" in note
    # with a decimal comma, read as in any cell
    y = series(csv(["1,5K", "900", "2,25M", "3K"] * 7, sep=";"))
    assert list(y.iloc[:4]) == [1500.0, 900.0, 2_250_000.0, 3000.0]
    # one suffix on every cell may be a unit (kelvin): read in the units written
    y = series(csv([f"{290 + i % 5}.5 K" for i in range(28)]))
    assert y.iloc[0] == 290.5
    assert any("removed the unit 'K'" in n for n in y.attrs["notes"])


@pytest.mark.parametrize(
    ("cells", "values", "said"),
    [
        # every cell dotted: three decimals or thousands? read as decimals, said
        ([f"{3 + i % 5}.{100 + i:03d}" for i in range(28)], None, True),
        # "1.234" beside "950": thousands
        ([f"1.{200 + i}" if i % 2 else f"{900 + i}" for i in range(28)], 1000, False),
    ],
)
def test_a_comma_file_of_german_dates_says_its_dots_may_group(cells, values, said):
    days = pd.date_range("2018-01-01", periods=28, freq="D")
    rows = "".join(f"{d:%d.%m.%Y},{c}\n" for d, c in zip(days, cells, strict=True))
    y = series(f"Datum,Menge\n{rows}".encode())
    notes = " ".join(y.attrs["notes"])
    assert ("beside German dates or decimal commas" in notes) is said
    if values is None:
        assert y.iloc[0] == float(cells[0])
    else:
        assert y.iloc[1] == 1201 and y.iloc[0] == 900
    # the same cells beside ISO dates are decimals, with nothing said
    iso = "".join(f"{d:%Y-%m-%d},{c}\n" for d, c in zip(days, cells, strict=True))
    plain = series(f"date,qty\n{iso}".encode())
    assert plain.iloc[1] == float(cells[1])
    assert "thousands" not in " ".join(plain.attrs["notes"])
