"""Folders of timeframes in DATA_DIR (``<GROUP>/<SYMBOL>/<TIMEFRAME>/<file>``), name clashes and
links leading out of DATA_DIR."""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from app.config import load_settings
from app.core import DataError, SymbolNotFoundError, TimeframeError, get_ohlcv, resample_ohlcv
from app.core.sources.file_tree import divides, pick_file_timeframe, reachable_names
from app.core.sources.files import FileSource
from app.core.symbol_timeframes import symbol_timeframes
from app.core.synthetic import synthetic_ohlcv
from app.core.timeframes import TIMEFRAMES, parse_timeframe

HOURS = synthetic_ohlcv(24 * 40, "1h", seed=21)  # 40 days of hours
# A daily file of its own, deliberately not the hours aggregated: a read from it shows.
DAYS = synthetic_ohlcv(40, "1d", seed=22)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    (data / "ALPACA" / "NFLX" / "1h").mkdir(parents=True)
    (data / "ALPACA" / "NFLX" / "1d").mkdir()
    HOURS.to_parquet(data / "ALPACA" / "NFLX" / "1h" / "nflx_1h.parquet", index=False)
    DAYS.to_csv(data / "ALPACA" / "NFLX" / "1d" / "nflx_1d.csv", index=False)
    (data / "IEX" / "NFLX" / "H1").mkdir(parents=True)  # MT4's name for the hour
    HOURS.iloc[:100].to_csv(data / "IEX" / "NFLX" / "H1" / "nflx.csv", index=False)
    (data / "deep" / "er" / "TSLA" / "4h").mkdir(parents=True)  # any depth of grouping
    synthetic_ohlcv(50, "4h", seed=23).to_csv(data / "deep/er/TSLA/4h/t.csv", index=False)
    synthetic_ohlcv(30, "1h", seed=24).to_csv(data / "GOOG.csv", index=False)  # flat, as today
    return data


def test_a_timeframe_with_a_file_is_read_from_it(tree: Path) -> None:
    settings = load_settings(data_dir=tree, csv_path=tree / "none.csv")
    view = get_ohlcv("ALPACA/NFLX", timeframe="1d", settings=settings, limit=1000)
    assert view.symbol == "ALPACA/NFLX"
    assert view.frame["close"].tolist() == DAYS["close"].tolist()  # the 1d file, not the hours
    assert view.native_timeframe.name == "1d"


def test_a_timeframe_without_a_file_is_made_from_the_finest_that_divides_it(tree: Path) -> None:
    settings = load_settings(data_dir=tree, csv_path=tree / "none.csv")
    view = get_ohlcv("alpaca/nflx", timeframe="4h", settings=settings, limit=10_000)
    expected = resample_ohlcv(HOURS, TIMEFRAMES["4h"])
    assert len(view.frame) == len(expected) == 240
    for column in ("open", "high", "low", "close", "volume"):
        assert view.frame[column].tolist() == expected[column].tolist()
    weekly = get_ohlcv("ALPACA/NFLX", timeframe="1w", settings=settings, limit=100)
    assert weekly.frame["close"].tolist() == (
        resample_ohlcv(HOURS, TIMEFRAMES["1w"])["close"].tolist()
    )


def test_a_timeframe_finer_than_every_file_is_refused_naming_the_files(tree: Path) -> None:
    settings = load_settings(data_dir=tree, csv_path=tree / "none.csv")
    with pytest.raises(TimeframeError) as err:
        get_ohlcv("ALPACA/NFLX", timeframe="1m", settings=settings)
    assert "finer than every file of ALPACA/NFLX (it has 1h, 1d)" in str(err.value)
    assert err.value.parameter == "timeframe"


def test_two_groups_holding_one_name_are_listed_by_their_paths(tree: Path) -> None:
    source = FileSource(tree)
    names = {info.symbol: info for info in source.list_symbols()}
    assert set(names) == {"ALPACA/NFLX", "IEX/NFLX", "TSLA", "GOOG"}
    assert names["ALPACA/NFLX"].timeframes == ("1h", "1d")
    assert names["ALPACA/NFLX"].timeframe == "1h" and names["ALPACA/NFLX"].bars == len(HOURS)
    assert names["IEX/NFLX"].timeframes == ("1h",) and names["IEX/NFLX"].bars == 100
    assert source.display_name("deep/er/tsla") == "TSLA"  # a unique name; its path answers too
    with pytest.raises(SymbolNotFoundError) as err:
        source.load("NFLX")
    assert "more than one folder: ALPACA/NFLX, IEX/NFLX" in str(err.value)


def test_timeframes_of_a_tree_and_of_a_flat_file(tree: Path) -> None:
    settings = load_settings(data_dir=tree, csv_path=tree / "none.csv")
    found = symbol_timeframes("ALPACA/NFLX", settings)
    assert found.native == ("1h", "1d")
    hourly_or_coarser = tuple(name for name, tf in TIMEFRAMES.items() if tf.seconds >= 3600)
    assert found.reachable == hourly_or_coarser  # 1h 4h 1d 1w 1M (and 2h 6h 8h 12h 3d)
    assert found.made_from == {name: "1d" if name == "1d" else "1h" for name in hourly_or_coarser}
    flat = symbol_timeframes("goog", settings)
    assert (flat.symbol, flat.native, flat.reachable[0]) == ("GOOG", ("1h",), "1h")


def test_which_file_a_timeframe_is_made_from() -> None:
    tf = parse_timeframe
    assert divides(tf("1h"), tf("4h")) and divides(tf("1d"), tf("1M"))
    assert not divides(tf("1w"), tf("1M")) and not divides(tf("4h"), tf("1h"))
    assert pick_file_timeframe([tf("1w")], tf("1M")) == tf("1w")  # none divides: the finest
    assert pick_file_timeframe([tf("1h"), tf("1d")], tf("1d")) == tf("1d")
    assert pick_file_timeframe([tf("1h"), tf("1d")], tf("30m")) is None
    assert reachable_names([tf("1d")]) == [n for n, t in TIMEFRAMES.items() if t.seconds >= 86400]


def test_a_new_file_in_a_tree_is_listed_within_a_second(tree: Path) -> None:
    source = FileSource(tree)
    assert "AAPL" not in source.symbol_names()
    (tree / "ALPACA" / "AAPL" / "1d").mkdir(parents=True)
    DAYS.to_csv(tree / "ALPACA" / "AAPL" / "1d" / "a.csv", index=False)
    names = source.symbol_names()
    deadline = time.monotonic() + 3
    while "AAPL" not in names and time.monotonic() < deadline:
        time.sleep(0.1)  # DATA_DIR's own folder is unchanged: the tree is looked at each second
        names = source.symbol_names()
    assert "AAPL" in names


def test_a_file_behind_another_of_the_same_name_is_a_notice(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    synthetic_ohlcv(30, "1h", seed=1).to_csv(data / "garbage.csv", index=False)
    synthetic_ohlcv(30, "1h", seed=2).to_parquet(data / "garbage.parquet", index=False)
    (data / "X" / "ETH" / "1h").mkdir(parents=True)
    for name in ("a.csv", "b.parquet"):
        path = data / "X" / "ETH" / "1h" / name
        frame = synthetic_ohlcv(30, "1h", seed=3)
        frame.to_parquet(path, index=False) if name.endswith("parquet") else frame.to_csv(path)
    source = FileSource(data)
    notices = source.notices()
    assert (
        "garbage: garbage.csv is hidden behind garbage.parquet (one file per symbol; rename one "
        "to see both)." in notices
    )
    assert "X/ETH/1h: using b.parquet; a.csv left out (one file per timeframe)." in notices
    infos = {info.symbol: info for info in source.list_symbols()}
    assert infos["garbage"].notices == (notices[0],)
    assert infos["garbage"].bars == 30 and "ETH" in infos


def test_a_link_leading_out_of_data_dir_is_not_a_symbol(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "G" / "SYM" / "1d").mkdir(parents=True)
    outside = tmp_path / "secret.csv"
    outside.write_text("root:x:0:0:root:/root:/bin/bash\nsecond line\n")
    os.symlink(outside, data / "passwd.csv")
    os.symlink(outside, data / "G" / "SYM" / "1d" / "x.csv")
    os.symlink(tmp_path, data / "up")  # a folder link out of DATA_DIR
    inside = data / "real.csv"
    synthetic_ohlcv(20, "1h", seed=4).to_csv(inside, index=False)
    os.symlink(inside, data / "alias.csv")  # a link that stays inside is fine
    source = FileSource(data)
    assert source.symbol_names() == ["alias", "real"]
    joined = " ".join(source.notices())
    assert "passwd.csv: a link leading out of DATA_DIR, not listed" in joined
    assert "G/SYM/1d/x.csv: a link leading out of DATA_DIR" in joined
    assert "up/: a link leading out of DATA_DIR" in joined
    assert "secret" not in joined and "root" not in joined  # the target is never named
    with pytest.raises(SymbolNotFoundError):
        source.load("passwd")
    followed = FileSource(data, follow_symlinks=True).symbol_names()
    assert followed == ["alias", "passwd", "real", "SYM"]


def test_a_file_turned_into_a_link_out_after_listing_is_not_read(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    path = data / "swap.csv"
    synthetic_ohlcv(20, "1h", seed=4).to_csv(path, index=False)
    source = FileSource(data)
    assert source.symbol_names() == ["swap"]
    outside = tmp_path / "secret.csv"
    outside.write_text("root:x:0:0:root:/root:/bin/bash\n")
    os.utime(outside, (1, 1))  # long written: read at once
    before = data.stat()
    path.unlink()
    os.symlink(outside, path)  # swapped between the listing and the read
    os.utime(data, ns=(before.st_atime_ns, before.st_mtime_ns))  # the listing is kept
    with pytest.raises(DataError) as err:
        source.load("swap")
    assert "leading out of DATA_DIR" in str(err.value) and "root" not in str(err.value)


def test_errors_about_content_quote_only_a_few_header_names_cut_short(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    header = ",".join(["root:x:0:0:root:/root:/bin/bash"] + [f"c{i}" for i in range(20)])
    (data / "odd.csv").write_text(header + "\n" + ",".join(["1"] * 21) + "\n")
    with pytest.raises(DataError) as err:
        FileSource(data).load("odd")
    message = str(err.value)
    assert "root:x:0:0:root:/root:/bin/bash" not in message
    assert "'root:x:0:0:root:/root:/…'" in message and "and 13 more" in message


def test_a_tree_file_loads_what_load_and_current_frame_agree_on(tree: Path) -> None:
    source = FileSource(tree)
    daily = source.load("ALPACA/NFLX", parse_timeframe("1d"))
    assert source.current_frame("ALPACA/NFLX", "1d") is daily
    assert source.current_frame("ALPACA/NFLX", "4h") is None  # the hours are not loaded yet
    hours = source.load("ALPACA/NFLX", parse_timeframe("4h"))
    assert source.current_frame("ALPACA/NFLX", "4h") is hours is source.load("ALPACA/NFLX")
    assert np.array_equal(hours["close"].to_numpy(), HOURS["close"].to_numpy())
    assert isinstance(source.path_of("ALPACA/NFLX"), Path)
    assert pd.api.types.is_datetime64_any_dtype(daily["time"])


def test_a_long_listing_is_reused_a_moment_then_read_again(tree: Path, monkeypatch) -> None:
    """Past LIST_KEEP_MIN_SYMBOLS symbols, a search does not stat every file each time; a
    file's new last bar shows within LIST_KEEP_SECONDS."""
    import app.core.sources.files as files

    class Clock:  # the module's clock, moved by hand: a loaded machine cannot age the list
        now = 1000.0

        def monotonic(self) -> float:
            return self.now

        def __getattr__(self, name: str):
            return getattr(time, name)  # sleep, time, ... as they are

    clock = Clock()
    monkeypatch.setattr(files, "LIST_KEEP_MIN_SYMBOLS", 3)
    monkeypatch.setattr(files, "time", clock)
    source = FileSource(tree)
    first = source.list_symbols()
    clock.now += files.LIST_KEEP_SECONDS * 0.9
    assert source.list_symbols() is first
    synthetic_ohlcv(31, "1h", seed=24).to_csv(tree / "GOOG.csv", index=False)  # one bar more
    clock.now += files.LIST_KEEP_SECONDS * 0.2
    again = source.list_symbols()
    assert {i.symbol: i.bars for i in again}["GOOG"] == 31
    unchanged = {i.symbol: i for i in first}
    assert {i.symbol: i for i in again}["TSLA"] is unchanged["TSLA"]  # no new object
