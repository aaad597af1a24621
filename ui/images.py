"""How it works, image section: the article's image experiment, trained on digits.

Draws the section from ``convlstm.images`` (training, sentences) and
``convlstm.plots.images`` (figures); the page only calls :func:`images_section`.
"""

from __future__ import annotations

import streamlit as st

from convlstm.images import words
from convlstm.plots import images as image_plots
from ui.how_it_works import IMAGES_RUN, last, remember, run, say_interrupted

LEARNING_RATES = (1e-3, 2e-3, 5e-3, 1e-2, 2e-2)


def images_section() -> None:
    """An expander (lazy: drawn only when open) that trains the digits classifier."""
    box = st.expander(
        "Beyond series: the article's image experiment",
        icon=":material/image:",
        key="hiw_images",
        on_change="rerun",
    )
    if not box.open:
        return
    with box:
        _section()


def _section() -> None:
    from convlstm.images import train_classifier  # torch: only when the box is open

    st.markdown(
        "The same `ConvLSTMCell` the forecasters use can classify images: three "
        "3x3 convolutions turn the picture into a feature map, the cell reads its "
        "rows top to bottom (one row per time step, convolving along the row), and "
        "a linear head turns its last state into 10 class scores. Here it trains on "
        "scikit-learn's bundled 8x8 handwritten digits, in seconds."
    )
    st.markdown(f"**What the article claimed.** {words.article_claim()}")
    say_interrupted(IMAGES_RUN)
    with st.form("hiw_images_form", border=True):
        c1, c2, c3, c4 = st.columns(4)
        epochs = c1.number_input(
            "Epochs", min_value=1, max_value=50, value=5, key="hiw_img_epochs"
        )
        hidden = c2.number_input(
            "Hidden channels",
            min_value=2,
            max_value=128,
            value=64,
            key="hiw_img_hidden",
            help="Channels of the ConvLSTM state (the article's LSTM had 64 units).",
        )
        rate = c3.select_slider(
            "Learning rate",
            options=LEARNING_RATES,
            value=1e-2,
            format_func=lambda v: f"{v:g}",
            key="hiw_img_rate",
        )
        seed = c4.number_input(
            "Seed", min_value=0, max_value=10_000, value=0, key="hiw_img_seed"
        )
        limit = st.number_input(
            "Training images (of 1,437)",
            min_value=50,
            max_value=1437,
            value=1437,
            step=50,
            key="hiw_img_limit",
            help="Fewer images train faster and learn less.",
        )
        go = st.form_submit_button(
            "Train the digits classifier", type="primary", icon=":material/image:"
        )
    settings = (int(epochs), int(hidden), float(rate), int(seed), int(limit))
    if go:
        result = run(
            lambda bar: train_classifier(
                "digits",
                epochs=settings[0],
                hidden_size=settings[1],
                learning_rate=settings[2],
                seed=settings[3],
                train_limit=settings[4],
                callback=bar.epochs("Training"),
            ),
            "Training...",
            IMAGES_RUN,
        )
        remember("images", settings, result)
    entry = last("images")
    if entry is None:
        st.info("Press **Train the digits classifier**.", icon=":material/info:")
        return
    result = entry[1]
    m1, m2, m3 = st.columns(3)
    m1.metric("Test accuracy", f"{result.accuracy:.1%}", help=result.split)
    m2.metric("Trained in", f"{result.seconds:.1f} s", help=f"on {result.device}")
    m3.metric("Weights", f"{result.params:,}")
    st.markdown(f"**What we measured.** {words.measured(result)}")
    st.caption(words.cifar_untested())
    left, right = st.columns(2)
    with left:
        st.markdown("**Confusion matrix** (test set)")
        st.plotly_chart(image_plots.confusion_figure(result), key="hiw_img_confusion")
        st.markdown("**Training loss**")
        st.plotly_chart(image_plots.image_loss_figure(result), key="hiw_img_loss")
    with right:
        st.markdown("**First test images**: predicted (true); red = wrong")
        st.plotly_chart(image_plots.examples_figure(result), key="hiw_img_examples")
        st.markdown("**Some it got wrong**")
        st.plotly_chart(
            image_plots.examples_figure(result, count=6, mistakes=True),
            key="hiw_img_mistakes",
        )
