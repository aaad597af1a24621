"""Steps the AppTest checks share: upload a CSV on the Data page and train on it."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

TRAIN_TIMEOUT = 240


def upload_and_train(
    app: AppTest, wait_for_training, csv: str, models: list[str], **settings: int
) -> AppTest:
    """Upload ``csv`` on the Data page, then train ``models`` on Train & compare
    with the form's defaults but ``settings``; no error, no exception."""
    upload(app, "up.csv", csv.encode(), check=False)
    return train(app, wait_for_training, models, **settings)


def upload(app: AppTest, name: str, data: bytes, check: bool = True) -> AppTest:
    """Upload the bytes ``data`` as file ``name`` on the Data page (with ``check``:
    no error, no exception)."""
    app.switch_page("pages/data.py").run()
    app.segmented_control(key="data_kind").set_value("upload").run()
    app.file_uploader(key="upload").set_value((name, data, "text/csv"))
    app.run()
    if check:
        assert not app.exception, app.exception
        assert not app.error, [e.value for e in app.error]
    return app


def train(
    app: AppTest, wait_for_training, models: list[str], **settings: int
) -> AppTest:
    """Train ``models`` on Train & compare, on the data chosen now, with the
    form's defaults but ``settings``; no error, no exception."""
    app.switch_page("pages/compare.py").run()
    for key, value in settings.items():
        app.number_input(key=key).set_value(value)
    app.multiselect(key="models").set_value(models)
    app.form_submit_button[0].click()
    app.run(timeout=TRAIN_TIMEOUT)
    wait_for_training(app)
    assert not app.exception, app.exception
    assert not app.error, [e.value for e in app.error]
    return app
