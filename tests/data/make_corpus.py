"""Write the hostile CSV corpus in this folder (run once; the files are committed).

Each file is one awkward case that tests/unit/test_data_hostile.py reads. Large
cases (millions of rows, tens of thousands of columns, huge cells) are generated
inside the tests instead, so that the repository stays small.
"""

import calendar
import datetime
import gzip
import io
import random
import zipfile
from pathlib import Path

HERE = Path(__file__).parent


def rows(fmt, n=24, value=lambda i: f"{100 + i}", sep=","):
    return "".join(f"{fmt(i)}{sep}{value(i)}\n" for i in range(n))


def day(i):
    return f"2020-01-{i + 1:02d}"


def month(i):
    return f"{1980 + i // 12}-{i % 12 + 1:02d}-01"


def main() -> None:
    files: dict[str, bytes | str] = {}
    plain = "date,value\n" + rows(month)
    files["empty.csv"] = b""
    files["whitespace_only.csv"] = "  \n\n \t \n"
    files["header_only.csv"] = "date,value\n"
    files["one_row.csv"] = "date,value\n2020-01-01,5\n"
    files["too_short.csv"] = "date,value\n" + rows(month, n=2)
    rng = random.Random(0)
    files["binary_garbage.csv"] = bytes(rng.randrange(256) for _ in range(3000))
    files["binary_no_nul.csv"] = bytes(rng.randrange(1, 256) for _ in range(3000))
    files["png_renamed.csv"] = b"\x89PNG\r\n\x1a\n" + bytes(200)
    files["jpeg_renamed.csv"] = b"\xff\xd8\xff\xe0\x00\x10JFIF" + bytes(200)
    files["gif_renamed.csv"] = b"GIF89a" + bytes(100)
    files["pdf_renamed.csv"] = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("data.csv", plain)
    files["zip_renamed.csv"] = buf.getvalue()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
    files["xlsx_renamed.csv"] = buf.getvalue()
    files["gzip_renamed.csv"] = gzip.compress(plain.encode())
    files["nul_bytes.csv"] = plain.encode()[:40] + b"\x00\x00" + plain.encode()[40:]
    files["utf8_bom.csv"] = b"\xef\xbb\xbf" + plain.encode()
    files["utf16.csv"] = plain.encode("utf-16")  # little-endian with a BOM
    files["utf16_be.csv"] = b"\xfe\xff" + plain.encode("utf-16-be")
    files["latin1.csv"] = ("Datum,Größe\n" + rows(month)).encode("latin-1")
    files["cp1252.csv"] = ("date,Umsatz €\n" + rows(month)).encode("cp1252")
    mixed = "date,value,comment\n" + "".join(
        f"{month(i)},{100 + i},{'café' if i % 2 else 'naïve'}\n" for i in range(24)
    )
    data = bytearray(mixed.encode("utf-8"))
    data += f"{month(24)},124,".encode() + "crème\n".encode("latin-1")
    files["mixed_encoding.csv"] = bytes(data)
    files["semicolon_decimal_comma.csv"] = "Datum;Wert\n" + rows(
        lambda i: f"{i + 1:02d}.01.2020", value=lambda i: f"{i + 1},5", sep=";"
    )
    files["tab.csv"] = "date\tvalue\n" + rows(month, sep="\t")
    files["pipe.csv"] = "date|value\n" + rows(month, sep="|")
    files["thousands.csv"] = "date,sales\n" + rows(
        month, value=lambda i: f'"1,{i:03d}.5"'
    )
    files["thousands_eu.csv"] = "date;sales\n" + rows(
        month, value=lambda i: f"1.{i:03d},5", sep=";"
    )
    files["thousands_space.csv"] = "date;sales\n" + rows(
        month, value=lambda i: f"1 {i:03d}", sep=";"
    )
    files["day_first.csv"] = "date,value\n" + rows(lambda i: f"{i + 1:02d}/01/2020")
    files["month_first.csv"] = "date,value\n" + rows(lambda i: f"01/{i + 1:02d}/2020")
    files["with_time.csv"] = "timestamp,load\n" + rows(
        lambda i: f"2020-01-01 {i:02d}:00:00"
    )
    files["with_tz.csv"] = "time,load\n" + rows(
        lambda i: f"2020-03-01T{i:02d}:00:00+02:00"
    )
    names = [datetime.date(2000, m, 1).strftime("%b") for m in range(1, 13)]
    files["month_names.csv"] = "month,value\n" + rows(
        lambda i: f"{names[i % 12]} {1980 + i // 12}"
    )
    files["year_month.csv"] = "month,value\n" + rows(
        lambda i: f"{1980 + i // 12}-{i % 12 + 1:02d}"
    )
    files["quarters.csv"] = "quarter,beer\n" + rows(
        lambda i: f"{1956 + i // 4}Q{i % 4 + 1}"
    )
    files["years.csv"] = "year,sunspots\n" + rows(lambda i: f"{1700 + i}")
    files["mixed_dates.csv"] = "date,value\n" + rows(
        lambda i: day(i) if i % 3 else f"{i + 1:02d}/01/2020"
    )
    bad = {4: "soon", 9: "31/02/2020x"}
    files["unparseable_dates.csv"] = "date,value\n" + rows(lambda i: bad.get(i, day(i)))
    files["duplicates.csv"] = "date,value\n" + rows(day) + "2020-01-03,110\n"
    files["unsorted.csv"] = "date,value\n" + "".join(
        f"{day(i)},{100 + i}\n" for i in reversed(range(24))
    )
    files["gaps.csv"] = "date,value\n" + "".join(
        f"{day(i)},{100 + i}\n" for i in range(24) if i not in (5, 6, 7)
    )
    files["missing_values.csv"] = "date,value\n" + rows(
        day, value=lambda i: {3: "n/a", 4: "", 10: "-"}.get(i, f"{100 + i}")
    )
    files["leading_trailing_nan.csv"] = "date,value\n" + rows(
        day, value=lambda i: "" if i in (0, 1, 23) else f"{100 + i}"
    )
    files["irregular.csv"] = "time,value\n" + rows(
        lambda i: f"2020-01-01 {i:02d}:00:{(i * 13) % 50:02d}"
    )
    files["random_timestamps.csv"] = "time,value\n" + "".join(
        f"2020-01-01 {h:02d}:{m:02d}:{s:02d},{i}\n"
        for i, (h, m, s) in enumerate(
            sorted(
                {
                    (rng.randrange(24), rng.randrange(60), rng.randrange(60))
                    for _ in range(40)
                }
            )
        )
    )
    files["all_nan.csv"] = "date,value\n" + rows(day, value=lambda i: "NaN")
    files["text_values.csv"] = "date,value\n" + rows(
        day, value=lambda i: ["high", "low", "n/a"][i % 3]
    )
    files["some_text_values.csv"] = "date,value\n" + rows(
        day, value=lambda i: "oops" if i == 6 else f"{100 + i}"
    )
    files["constant.csv"] = "date,value\n" + rows(day, value=lambda i: "42")
    files["inf_values.csv"] = "date,value\n" + rows(
        day, value=lambda i: "inf" if i == 7 else f"{i}"
    )
    files["huge_values.csv"] = "date,value\n" + rows(
        day, value=lambda i: "3e20" if i == 2 else f"{i}"
    )
    files["html_script.csv"] = "date,<script>alert('x')</script>,<b>note</b>\n" + rows(
        day, value=lambda i: f"{i},<img src=x onerror=alert({i})>"
    )
    files["formula_injection.csv"] = "date,=SUM(A1:A9),comment\n" + rows(
        day, value=lambda i: f'{i},"=HYPERLINK(""http://x"",""y"")"'
    )
    files["long_column_name.csv"] = f"date,{'x' * 300}\n" + rows(
        day, value=lambda i: "word"
    )
    files["no_time_column.csv"] = "value\n" + "".join(f"{i}\n" for i in range(24))
    files["no_header.csv"] = rows(month)
    files["ragged_rows.csv"] = "date,value\n" + rows(day, n=5) + "2020-01-06,1,2,3\n"
    files["unclosed_quote.csv"] = 'date,value\n2020-01-01,"5\n2020-01-02,6\n'
    files["multiple_numeric.csv"] = "date,sales,cost,units\n" + rows(
        day, value=lambda i: f"{i},{2 * i},{3 * i}"
    )
    files["crlf.csv"] = plain.replace("\n", "\r\n")
    files["cr_only.csv"] = plain.replace("\n", "\r")
    files["trailing_delimiter.csv"] = "date,value,\n" + rows(
        month, value=lambda i: f"{i},"
    )
    files["excel_sep_line.csv"] = "sep=;\ndate;value\n" + rows(month, sep=";")
    files["month_end.csv"] = "date,value\n" + rows(
        lambda i: str(
            datetime.date(1980 + i // 12, i % 12 + 1, 1)
            + datetime.timedelta(
                days=calendar.monthrange(1980 + i // 12, i % 12 + 1)[1] - 1
            )
        )
    )
    files["weekly.csv"] = "week,value\n" + rows(
        lambda i: str(datetime.date(2020, 1, 6) + datetime.timedelta(weeks=i))
    )
    days = [datetime.date(2020, 1, 1) + datetime.timedelta(days=k) for k in range(40)]
    files["business_days.csv"] = "date,value\n" + "".join(
        f"{d},{i}\n" for i, d in enumerate(d for d in days if d.weekday() < 5)
    )
    files["blank_lines.csv"] = "\n\ndate,value\n\n" + rows(month).replace(
        "\n", "\n\n", 3
    )
    files["whitespace_cells.csv"] = "  date , value \n" + rows(
        lambda i: f"  {month(i)} ", value=lambda i: f"  {i} "
    )
    files["scientific.csv"] = "date,value\n" + rows(
        month, value=lambda i: f"-{i + 1}.5e3"
    )
    files["year_integers_no_name.csv"] = "yr_label,value\n" + rows(
        lambda i: f"{1949 + i}"
    )
    for name, data in files.items():
        path = HERE / name
        if isinstance(data, str):
            path.write_bytes(data.encode("utf-8"))
        else:
            path.write_bytes(data)


if __name__ == "__main__":
    main()
