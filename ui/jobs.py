"""Training as jobs: the process-wide executor, this session's job in flight, its
outcome collected into the session, the session's short run history, and taking
them back after a reload.

The executor is shared by every user (``st.cache_resource``); every lookup names
the session's unguessable owner token, so no session sees or stops another's runs.
The token is also in the page's address, so that a reloaded tab (a new session)
takes back its run, data choice and settings (``reattach``); a token whose
session is still connected elsewhere is not taken over, and what a token keeps on
the server (its data choice, its jobs) is given back only for ``ADOPT_WINDOW``.
"""

from __future__ import annotations

import json
import math
import os
import secrets
import tempfile
import threading
import time
from collections import OrderedDict
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st
from streamlit.runtime import Runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

from convlstm import ConvLSTMError, compare, narrative
from convlstm.data.cells import plural
from convlstm.executor import UNWATCHED, Executor, Job
from convlstm.models.registry import model_spec, params_for

from .form import device_name, model_params, pretrained_models, start_of
from .progress import JobPanel
from .state import (
    HISTORY,
    JOB,
    JOB_ERROR,
    LOST,
    OWNER,
    PARAMS,
    RESULT,
    RUNNING,
    SOURCE,
)

POLL_EVERY = 1.0  # seconds between the progress fragment's redraws
KEEP_RUNS = 5  # finished runs a session can reopen
JOB_TIMEOUT = 3600.0  # seconds one training run may take
#: Seconds a run may go unwatched (no page of its session polling it) before it
#: is stopped: its tab was closed. Browsers slow the timers of hidden tabs to
#: about one a minute, so this leaves room for a tab in the background.
#: ``CONVLSTM_IDLE_TIMEOUT`` (seconds) sets another.
IDLE_TIMEOUT = 300.0


def idle_timeout() -> float:
    """``CONVLSTM_IDLE_TIMEOUT`` when it is a number of seconds of at least 10
    (shorter would stop runs whose tab is merely in the background), else
    :data:`IDLE_TIMEOUT`."""
    try:
        seconds = float(os.environ.get("CONVLSTM_IDLE_TIMEOUT", ""))
    except ValueError:
        return IDLE_TIMEOUT
    return seconds if math.isfinite(seconds) and seconds >= 10 else IDLE_TIMEOUT


#: The query parameter that carries the session's owner token in the page's
#: address, so that a reloaded tab finds its run again.
LINK_PARAM = "run"
SIDEBAR_POLL = 5.0  # seconds between the sidebar's looks at the run in flight


@st.cache_resource(show_spinner=False)
def executor() -> Executor:
    """The app's one executor (shared by all users; holds no per-user state)."""
    # a finished run serves a reloaded tab for ADOPT_WINDOW, then goes (with the
    # upload it was trained on): memory does not grow with every session
    ex = Executor(
        timeout=JOB_TIMEOUT,
        idle_timeout=idle_timeout(),
        keep_finished_for=ADOPT_WINDOW,
    )
    # start the worker processes now: the first run need not wait for torch to load
    threading.Thread(target=ex.warm_up, name="executor-warm-up", daemon=True).start()
    return ex


def owner() -> str:
    """This browser session's owner token for the executor: the one in the page's
    address when a reloaded tab brings it (see :func:`reattach`), else a new one."""
    if OWNER not in st.session_state:
        linked = st.query_params.get(LINK_PARAM, "")
        valid = (
            16 <= len(linked) <= 64
            and linked.replace("-", "").replace("_", "").isalnum()
        )
        st.session_state[OWNER] = linked if valid else secrets.token_urlsafe(16)
    return st.session_state[OWNER]


#: Seconds after its last activity during which a reload takes back a session's
#: data choice and its run (a link kept in a browser's history gives nothing
#: after that).
ADOPT_WINDOW = 1800.0
#: Tokens whose data choice the server keeps for a reload, and the largest
#: upload it keeps (a bigger one comes back only with a run trained on it).
KEEP_CHOICES = 50
MAX_KEPT_UPLOAD = 10_000_000
#: The most data points a session's earlier runs may hold together to be kept
#: for a reload (the same objects the session holds while it lives; then for
#: ``ADOPT_WINDOW`` at most).
MAX_KEPT_POINTS = 2_000_000


#: This server process, as the run journal names it: a run noted by another
#: process was lost when that one ended (the server restarted).
SERVER = f"{os.getpid()}-{time.time_ns()}"
#: Where the app notes each session's run in flight, one small file a token (a
#: label and a time, no data), so that after a server restart a reloaded tab
#: hears that its run was lost instead of finding an empty page.
#: ``CONVLSTM_STATE_DIR`` sets another folder.
JOURNAL_NAME = "convlstm-forecast-runs"


def _journal_dir() -> Path:
    return Path(
        os.environ.get("CONVLSTM_STATE_DIR")
        or Path(tempfile.gettempdir()) / JOURNAL_NAME
    )


def _journal(token: str, label: str | None) -> None:
    """Note ``token``'s run in flight (``label``) or clear it (None). Best effort:
    a folder the app cannot write to only costs the notice after a restart."""
    try:
        folder = _journal_dir()
        path = folder / f"{token}.json"
        if label is None:
            path.unlink(missing_ok=True)
            return
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        note = {"label": label, "started": time.time(), "server": SERVER}
        path.write_text(json.dumps(note), encoding="utf-8")
    except OSError:
        pass


def _lost_in_restart(token: str) -> dict | None:
    """The run ``token`` had in flight when an earlier server process ended
    (cleared once read), or None: none, one of this process (it ended while
    nobody looked, which the executor says itself), or older than a run may
    take plus the reload window."""
    path = _journal_dir() / f"{token}.json"
    try:
        note = json.loads(path.read_text(encoding="utf-8"))
        path.unlink(missing_ok=True)
    except (OSError, ValueError):
        return None
    if not isinstance(note, dict) or note.get("server") == SERVER:
        return None
    started = note.get("started")
    if not isinstance(started, (int, float)):
        return None
    return note if time.time() - started < JOB_TIMEOUT + ADOPT_WINDOW else None


@st.cache_resource(show_spinner=False)
def _choices() -> dict[str, Any]:
    """Each recent token's data choice and form settings (shared by all users,
    looked up by the unguessable token only)."""
    return {"lock": threading.Lock(), "by_token": OrderedDict()}


def _session_id() -> str | None:
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else None


def _session_active(session_id: str | None) -> bool:
    """Whether another browser tab's session is connected now."""
    if not session_id or session_id == _session_id() or not Runtime.exists():
        return False
    return Runtime.instance().is_active_session(session_id)


def reattach() -> None:
    """Keep the session's token in the page's address and its data choice on the
    server; on a new session that brings a token (a reloaded tab), take back
    that token's data choice, form settings and newest run (still training, or
    done within :data:`ADOPT_WINDOW`). When the token's session is still open in
    another tab (the address was copied or shared), the new session gets a
    token of its own instead: nobody takes over a live session."""
    fresh = OWNER not in st.session_state
    token = owner()
    if st.query_params.get(LINK_PARAM) != token:
        st.query_params[LINK_PARAM] = token
    elif fresh:
        token = _take_back(token)
    _remember_choice(token)


def _unwatched(job: Job) -> bool:
    """Whether the executor stopped ``job`` because no page looked at it."""
    return UNWATCHED in str(job.error or "")


def _take_back(token: str) -> str:
    """:func:`reattach` for a new session with ``token``; returns the token it
    keeps (a new one when the old is in use elsewhere). Besides the data choice,
    settings and newest run, the earlier runs (the history) and the result shown
    come back."""
    store = _choices()
    with store["lock"]:
        kept = store["by_token"].get(token)
    jobs = [j for j in executor().jobs(token) if j.meta.get("job")]
    sessions = [j.meta.get("session") for j in jobs]
    if kept is not None:
        sessions.append(kept["session"])
    if any(_session_active(s) for s in sessions):
        fresh = secrets.token_urlsafe(16)
        st.session_state[OWNER] = fresh
        st.query_params[LINK_PARAM] = fresh
        st.toast(
            "This address is open in another tab, which keeps its data, runs and "
            "results; this tab starts afresh.",
            icon=":material/tab:",
            duration="long",
        )
        return fresh
    now = time.time()
    if kept is None and not jobs:
        lost = _lost_in_restart(token)
        if lost is not None:
            st.session_state[LOST] = str(lost.get("label") or "") or True
    if kept is not None and now - kept["time"] < ADOPT_WINDOW:
        if kept["source"] is not None:
            st.session_state[SOURCE] = kept["source"]
        if kept["form"] is not None:
            st.session_state[PARAMS] = kept["form"]
        if kept.get("history"):
            st.session_state[HISTORY] = list(kept["history"])
            st.session_state[RESULT] = kept.get("result") or kept["history"][0]
    # a run still going, or one that ended within the window: done (its result
    # comes back) or stopped for want of a watcher (said, not lost in silence)
    live = [
        j
        for j in jobs
        if not j.is_finished
        or (
            (j.status == "done" or (j.status == "cancelled" and _unwatched(j)))
            and now - (j.finished or 0) < ADOPT_WINDOW
        )
    ]
    if live:
        job = max(live, key=lambda j: j.submitted)
        meta = job.meta
        if meta.get("source") is not None:
            st.session_state.setdefault(SOURCE, meta["source"])
        if meta.get("form") is not None:
            st.session_state.setdefault(PARAMS, meta["form"])
        st.session_state[JOB] = meta["job"]
    return token


def remember_now() -> None:
    """Keep this session's choice and settings for a reload now (a run just
    submitted: its page may not rerun before the user reloads)."""
    _remember_choice(owner())


def _remember_choice(token: str) -> None:
    """This session's data choice, form settings, earlier runs and shown result,
    kept under its token for a reload (an upload over :data:`MAX_KEPT_UPLOAD`
    bytes is not kept, nor runs holding over :data:`MAX_KEPT_POINTS` points)."""
    src = st.session_state.get(SOURCE)
    if src is not None and len(src.get("data") or b"") > MAX_KEPT_UPLOAD:
        src = None
    history = st.session_state.get(HISTORY) or []
    if sum(_result_points(r) for r in history) > MAX_KEPT_POINTS:
        history = []  # the newest run still comes back, as a job (below)
    store = _choices()
    with store["lock"]:
        by_token = store["by_token"]
        by_token[token] = {
            "source": src,
            "form": st.session_state.get(PARAMS),
            "history": history,
            "result": st.session_state.get(RESULT) if history else None,
            "session": _session_id(),
            "time": time.time(),
        }
        by_token.move_to_end(token)
        while len(by_token) > KEEP_CHOICES:
            by_token.popitem(last=False)
        # a choice older than the reload window is never taken back
        stale = time.time() - ADOPT_WINDOW
        for old in [t for t, kept in by_token.items() if kept["time"] < stale]:
            del by_token[old]


def _result_points(run: dict) -> int:
    """The data points a finished run holds (its series or panel), a measure of
    what keeping it for a reload costs."""
    data = run.get("panel") if run.get("panel") is not None else run.get("y")
    return len(data) if data is not None else 0


def submit_training(
    y: pd.Series,
    *,
    models: tuple[str, ...],
    horizon: int,
    folds: int,
    params: dict[str, Any],
    levels: tuple[float, ...],
    label: str,
    data_key: str,
    floor: float | None = None,
) -> Job:
    """Queue a ``compare`` run for this session (stopping its previous one)."""
    return _submit(
        compare,
        y,
        {"y": y},
        label=label,
        data_key=data_key,
        models=models,
        horizon=horizon,
        folds=folds,
        params=params,
        levels=levels,
        extra={"data": label},
        floor=floor,
    )


def submit_panel_training(
    panel: pd.DataFrame,
    *,
    models: tuple[str, ...],
    horizon: int,
    folds: int,
    params: dict[str, Any],
    levels: tuple[float, ...],
    label: str,
    data_key: str,
    max_series: int,
    include: tuple[str, ...] = (),
    floor: float | None = None,
) -> Job:
    """Queue one ``compare_panel`` run over every series of ``panel`` (a sample of
    ``max_series`` when it holds more, with the series of ``include`` in it) for
    this session, stopping its previous one.
    """
    from convlstm import compare_panel

    return _submit(
        compare_panel,
        panel,
        {"panel": panel, "kind": "panel", "device": device_name()},
        label=label,
        data_key=data_key,
        models=models,
        horizon=horizon,
        folds=folds,
        params=params,
        levels=levels,
        max_series=max_series,
        include=include,
        seed=int(params.get("seed") or 0),
        floor=floor,
    )


def _submit(
    fn: Any,
    data: Any,
    keep: dict[str, Any],
    *,
    label: str,
    data_key: str,
    shown: dict[str, Any] | None = None,
    **kwargs: Any,
) -> Job:
    """Queue ``fn(data, **kwargs)``; ``keep`` joins the job's record in the session
    (the data the result is drawn against); ``shown``: the run's models and
    settings as the page shows them (default: those of ``kwargs``)."""
    ex = executor()
    stop_training()
    task = keep.get("task", "Training on")
    job = ex.submit(fn, data, owner=owner(), label=f"{task} {label}", **kwargs)
    if shown is None:
        shown = {
            "params": {
                **kwargs["params"],
                "horizon": kwargs["horizon"],
                "folds": kwargs["folds"],
            },
            "models": list(kwargs["models"]),
        }
    st.session_state[JOB] = record = {
        "id": job.id,
        **keep,
        "label": label,
        "data_key": data_key,
        **shown,
    }
    # what a reloaded tab needs to find this run again (reattach)
    job.meta.update(
        job=record,
        source=st.session_state.get(SOURCE),
        form=st.session_state.get(PARAMS),
        session=_session_id(),
    )
    for key in (JOB_ERROR, LOST, _LOST_SINCE, RUNNING):
        st.session_state.pop(key, None)
    _journal(owner(), label)
    return job


def submit_rerun(res: dict) -> Job:
    """Queue the re-run of the shown results ``res`` from their record, as this
    session's job (it survives a visit to another page, like training); when it
    lands, its check joins ``res`` (:func:`collect`) instead of replacing it."""
    from convlstm import rerun

    cmp = res["comparison"]
    return _submit(
        rerun,
        res["y"],
        {"kind": "rerun", "of": res["run_id"], "task": "Re-running"},
        label=str(res["label"]),
        data_key=res["data_key"],
        shown={"params": res["params"], "models": list(cmp.summary.index)},
        record=cmp.record,
    )


def _land_rerun(meta: dict, again: Any) -> None:
    """A finished re-run's check, kept on the run it re-ran (shown or earlier)."""
    from convlstm.compare import rerun_matches

    runs = [st.session_state.get(RESULT), *st.session_state.get(HISTORY, [])]
    mine = [res for res in runs if res and res.get("run_id") == meta.get("of")]
    if mine:
        match, diffs = rerun_matches(mine[0]["comparison"], again)
        for res in mine:  # the shown run and its history entry (often one dict)
            res["rerun"] = {"match": match, "diffs": diffs, "seconds": again.seconds}


def current_job() -> Job | None:
    """This session's job in flight (None if there is none or it was lost)."""
    meta = st.session_state.get(JOB)
    job = executor().get(meta["id"], owner()) if meta else None
    if job is not None:
        job.meta["session"] = _session_id()  # the tab that watches it now
    return job


def stop_training() -> bool:
    """Cancel this session's job in flight; False when there is none."""
    meta = st.session_state.get(JOB)
    return bool(meta) and executor().cancel(meta["id"], owner())


def collect() -> str | None:
    """Move a finished job's outcome into the session; return its status.

    "done": the result becomes ``RESULT`` and joins the run history; "failed":
    the error waits in ``JOB_ERROR``; "cancelled": ``RUNNING`` says it was stopped;
    "lost": the executor no longer knows the job (the server restarted).
    None while nothing finished.
    """
    meta = st.session_state.get(JOB)
    if not meta:
        return None
    ex = executor()
    job = ex.get(meta["id"], owner())
    if job is None:
        st.session_state.pop(JOB)
        st.session_state[LOST] = meta.get("label") or True
        _journal(owner(), None)
        return "lost"
    if not job.is_finished:
        return None
    st.session_state.pop(JOB)
    _journal(owner(), None)
    # this run and the newest done one stay with the executor for a reloaded
    # tab (a stopped run has no result to show); older ones go
    mine = ex.jobs(owner())
    # (a re-run's check is no run of its own: the run it checked stays)
    done = [
        j
        for j in mine
        if j.status == "done" and (j.meta.get("job") or {}).get("kind") != "rerun"
    ]
    keep = {job.id} | ({max(done, key=lambda j: j.submitted).id} if done else set())
    for other in mine:
        if other.id not in keep and other.is_finished:
            ex.forget(other.id, owner())
    if job.status == "done" and meta.get("kind") == "rerun":
        _land_rerun(meta, job.result)
    elif job.status == "done":
        res = _result(meta, job)
        st.session_state[RESULT] = res
        # a reloaded tab may hold this run already (taken back with its history)
        earlier = st.session_state.get(HISTORY, [])
        runs = [res, *(r for r in earlier if r["run_id"] != res["run_id"])]
        st.session_state[HISTORY] = runs[:KEEP_RUNS]
    elif job.status == "failed":
        st.session_state[JOB_ERROR] = job.exception or ConvLSTMError(str(job.error))
    elif job.status == "cancelled" and _unwatched(job):
        st.session_state[JOB_ERROR] = ConvLSTMError(
            f"{job.error}, so it left no results. Train again; a run keeps going "
            "while a page of this session is open"
        )
    elif job.status == "cancelled":
        st.session_state[RUNNING] = True
    return job.status


#: When the notice of a lost run was first shown (session state key).
_LOST_SINCE = f"{LOST}_since"
#: Seconds the notice of a run lost with the server stays on the pages (a tab
#: that reconnects by itself reruns its page more than once at first).
LOST_NOTICE_FOR = 120.0


def lost_notice() -> None:
    """Say, on whatever page the user is, that their run in flight was lost with
    the server (and with it their data choice, if that is gone too): until a new
    run starts, or for :data:`LOST_NOTICE_FOR` seconds."""
    lost = st.session_state.get(LOST)
    if not lost:
        return
    first = st.session_state.setdefault(_LOST_SINCE, time.time())
    if time.time() - first > LOST_NOTICE_FOR:
        st.session_state.pop(LOST, None)
        st.session_state.pop(_LOST_SINCE, None)
        return
    what = f"your training on **{lost}**" if isinstance(lost, str) else "your training"
    again = (
        "Train again."
        if st.session_state.get(SOURCE)
        else "Your data choice went with it: choose the data again, then train again."
    )
    st.warning(
        f"The server restarted while {what} ran, so that run was lost and left no "
        f"results. {again}",
        icon=":material/cloud_off:",
    )


def _result(meta: dict, job: Job) -> dict:
    comparison = job.result
    keep = {k: meta[k] for k in ("y", "panel", "kind") if k in meta}
    return {
        "comparison": comparison,
        **keep,
        "label": meta["label"],
        "data_key": meta["data_key"],
        "params": meta["params"],
        "device": str(getattr(comparison, "device", None) or meta.get("device")),
        "finished": datetime.fromtimestamp(job.finished or 0).strftime(
            "%Y-%m-%d %H:%M"
        ),
        "run_id": job.id[:8],
    }


def _job_in_flight() -> Job:
    """This session's job still in flight, for a polling fragment; once it has
    ended, its outcome is collected and the whole app reruns instead."""
    job = current_job()
    if job is None or job.is_finished:
        collect()
        st.rerun(scope="app")
    return job


def progress_fragment(device: str) -> None:
    """The live panel of this session's job, redrawn every ``POLL_EVERY`` seconds
    without rerunning the page; when the job ends, the whole page reruns."""

    meta = st.session_state.get(JOB) or {}
    if "ConvLSTM" in meta.get("models", ()):
        mine = params_for("ConvLSTM", model_params(meta.get("params") or {}))
        big = narrative.network_size_note(
            mine.get("kernel_size", 3),
            mine.get("hidden_size", 8),
            mine.get("num_layers", 1),
        )
        if big:
            st.caption(f":material/memory: {big}")

    @st.fragment(run_every=POLL_EVERY)
    def panel() -> None:
        job = _job_in_flight()
        ex = executor()
        data = str(meta.get("label") or "") or None
        # the ensemble trains its ConvLSTM member too
        networks = any(
            model_spec(m).kind in ("neural", "ensemble") for m in meta.get("models", ())
        )
        show = JobPanel(device, data, networks).show
        if show(job, ex.position(job), ex.wait_estimate(job)):
            stop_training()

    panel()


def sidebar_progress() -> None:
    """The run in flight, in the sidebar of every page: the user sees it while
    elsewhere, and the look keeps it alive (see ``IDLE_TIMEOUT``); when it ends
    its outcome is collected and the app redrawn."""
    meta = st.session_state.get(JOB)
    if not meta:
        return

    @st.fragment(run_every=SIDEBAR_POLL)
    def line() -> None:
        job = _job_in_flight()
        st.caption("TRAINING NOW")
        place = executor().position(job)
        text = f"waiting, place {place} in the queue" if place else "running"
        st.progress(job.fraction, text=f"{meta['label']}: {text}")

    with st.sidebar:
        line()


def run_start(run: dict, name: str) -> str:
    """How model ``name`` started in ``run`` ("-" when the run did not have it):
    the start its final fit used ("scratch", "pretrained", "both"), and the
    setting ("auto: scratch") where the run chose it."""
    if name not in run["comparison"].summary.index:
        return "-"
    setting = start_of(model_params(run["params"]), name)
    fitted = getattr(run["comparison"], "fitted", None) or {}
    used = getattr(fitted.get(name), "start_", None)
    if used and used != setting:
        return f"{setting}: {used}"
    return setting


def run_history() -> None:
    """The session's earlier runs (settings, time, best model); one can be
    reopened as the current result."""
    runs = st.session_state.get(HISTORY, [])
    if len(runs) < 2:
        return
    current = st.session_state.get(RESULT)
    with st.expander(f"Earlier runs ({len(runs)})", icon=":material/history:"):
        number = {id(r): len(runs) - i for i, r in enumerate(runs)}  # oldest is 1
        rows = [
            {
                "Run": number[id(r)],
                "Finished": r["finished"],
                "Data": r["label"],
                "Models": ", ".join(str(m) for m in r["comparison"].summary.index),
                "Horizon": r["params"].get("horizon"),
                "Folds": r["params"].get("folds"),
                **{f"{name} start": run_start(r, name) for name in pretrained_models()},
                "Best": r["comparison"].best or "-",
                "Shown": r is current,
            }
            for r in runs
        ]
        st.dataframe(pd.DataFrame(rows), hide_index=True, key="run_history")
        labels = [
            f"Run {number[id(r)]} · {r['finished']} · {r['label']} · "
            f"{plural(len(r['comparison'].summary.index), 'model')}, horizon "
            f"{r['params'].get('horizon')} · best {r['comparison'].best or '-'}"
            for r in runs
        ]
        pick = st.selectbox(
            "Reopen a run",
            range(len(runs)),
            format_func=lambda i: labels[i],
            key="history_pick",
        )
        if st.button("Show this run", key="history_open", icon=":material/restore:"):
            st.session_state[RESULT] = runs[pick]
            st.rerun()
