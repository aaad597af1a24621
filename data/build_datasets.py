"""Development-time script that wrote the bundled CSVs in this folder.

It needs ``pmdarima`` and ``statsmodels`` (not runtime dependencies). The app and
library read only the CSV files it produced; run it again only to rebuild them.
"""

from pathlib import Path

import pandas as pd
import pmdarima.datasets as pmd
import statsmodels.datasets as smd

HERE = Path(__file__).parent


def _write(name: str, y: pd.Series, value_name: str) -> None:
    df = pd.DataFrame({"timestamp": y.index, value_name: y.to_numpy(dtype=float)})
    df.to_csv(HERE / f"{name}.csv", index=False, float_format="%.6g")


def main() -> None:
    air = pmd.load_airpassengers(as_series=True)
    idx = pd.date_range("1949-01-01", periods=len(air), freq="MS")
    _write("air_passengers", pd.Series(air.to_numpy(), idx), "passengers_thousands")

    # Weekly flask readings -> calendar-month means; months with no reading are
    # filled by linear interpolation in time.
    co2 = smd.co2.load_pandas().data["co2"]
    monthly = co2.resample("MS").mean().interpolate(method="time")
    monthly = monthly["1958-03-01":"2001-12-01"]
    _write("co2", monthly, "co2_ppm")

    taylor = pmd.load_taylor(as_series=True)
    idx = pd.date_range("2000-06-05 00:00", periods=len(taylor), freq="30min")
    _write("electricity", pd.Series(taylor.to_numpy(), idx), "load_mw")

    beer = pmd.load_ausbeer(as_series=True).dropna()
    idx = pd.date_range("1956-01-01", periods=len(beer), freq="QS")
    _write("beer", pd.Series(beer.to_numpy(), idx), "megalitres")

    wine = pmd.load_wineind(as_series=True)
    idx = pd.date_range("1980-01-01", periods=len(wine), freq="MS")
    _write("wine", pd.Series(wine.to_numpy(), idx), "bottles")

    sun = smd.sunspots.load_pandas().data
    idx = pd.date_range("1700-01-01", periods=len(sun), freq="YS")
    _write("sunspots", pd.Series(sun["SUNACTIVITY"].to_numpy(), idx), "sunspot_number")

    write_us_macro()


#: The US macro panel: five real spending and income aggregates, one unit.
US_MACRO = {
    "realgdp": "GDP",
    "realcons": "consumption",
    "realinv": "investment",
    "realgovt": "government",
    "realdpi": "disposable income",
}


def write_us_macro() -> None:
    """The panel ``us_macro.csv``: long format, one row per component and quarter."""
    macro = smd.macrodata.load_pandas().data
    quarters = [
        f"{int(y)}Q{int(q)}"
        for y, q in zip(macro["year"], macro["quarter"], strict=True)
    ]
    frames = [
        pd.DataFrame(
            {"component": label, "quarter": quarters, "billions_usd_2005": macro[col]}
        )
        for col, label in US_MACRO.items()
    ]
    pd.concat(frames, ignore_index=True).to_csv(
        HERE / "us_macro.csv", index=False, float_format="%.6g"
    )


if __name__ == "__main__":
    main()
