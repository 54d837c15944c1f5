"""A value worked out once per run: the same within a run, afresh in the next."""

from streamlit.testing.v1 import AppTest


def script() -> None:
    import itertools

    import streamlit as st

    from ui.run_memo import once_per_run

    counter = st.session_state.setdefault("counter", itertools.count(1))
    first = once_per_run("n", lambda: next(counter))
    second = once_per_run("n", lambda: next(counter))
    st.write(f"{first} {second}")


def test_a_value_is_worked_out_once_in_a_run_and_afresh_in_the_next():
    at = AppTest.from_function(script).run()
    assert at.markdown[0].value == "1 1"
    at.run()
    assert at.markdown[0].value == "2 2"


def test_outside_a_run_nothing_is_remembered():
    from ui.run_memo import once_per_run

    values = iter((1, 2))
    assert (once_per_run("n", lambda: next(values)), once_per_run("n", lambda: next(values))) == (
        1,
        2,
    )
