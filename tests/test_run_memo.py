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


def script_with_a_callback() -> None:
    import itertools

    import streamlit as st

    from ui.run_memo import once_per_run

    counter = st.session_state.setdefault("counter", itertools.count(1))

    def clicked() -> None:
        st.session_state["seen"] = [once_per_run("n", lambda: next(counter)) for _ in range(2)]

    st.button("go", on_click=clicked)
    st.write(f"{st.session_state.get('seen')} {once_per_run('n', lambda: next(counter))}")


def test_a_callback_is_not_remembered_and_the_page_after_it_reads_afresh():
    """A callback may change what it read (creating an organisation grants it to its creator):
    neither it nor the page drawn after it in the same run may hold an older value."""
    at = AppTest.from_function(script_with_a_callback).run()
    assert at.markdown[0].value == "None 1"
    at.button[0].click().run()
    assert at.markdown[0].value == "[2, 3] 4"


def test_outside_a_run_nothing_is_remembered():
    from ui.run_memo import once_per_run

    values = iter((1, 2))
    assert (once_per_run("n", lambda: next(values)), once_per_run("n", lambda: next(values))) == (
        1,
        2,
    )
