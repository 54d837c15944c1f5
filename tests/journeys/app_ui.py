"""A small page object: the app's screens as a person uses them, so each journey reads as
the user's steps. Every step waits for the app to settle and checks what the user would see."""

from __future__ import annotations

import re
from pathlib import Path

from browser_app import settle, shot
from browser_app import sign_in as sign_in_form
from playwright.sync_api import Locator, Page, expect

LONG = 30_000
FIRST_DRAW = 120_000  # a page's first drawing: a cold server on 2 busy cores imports the app first


class AuditApp:
    def __init__(self, page: Page, url: str, name: str) -> None:
        self.page, self.url, self.name = page, url, name
        self.shots = 0

    # -- moving around -------------------------------------------------------------------
    def open(self, path: str = "") -> AuditApp:
        self.page.goto(self.url + path)
        expect(self.page.locator("h1").first).to_be_visible(timeout=FIRST_DRAW)  # drawn
        settle(self.page)
        return self

    def reload(self) -> None:
        self.page.reload()
        expect(self.page.locator("h1").first).to_be_visible(timeout=FIRST_DRAW)
        settle(self.page)

    def create_first_administrator(self, login: str, name: str, password: str) -> None:
        """A new installation asks for its first administrator, who is then signed in."""
        self.see("创建第一个管理员")
        form = self.page.locator("form")
        form.get_by_label("登录名").fill(login)
        form.get_by_label("显示姓名（写入变更记录）").fill(name)
        form.get_by_label("密码", exact=True).fill(password)
        form.get_by_label("再次输入密码").fill(password)
        form.get_by_role("button", name="创建管理员并登录", exact=True).click()
        self.see(f"当前用户：{name}")
        settle(self.page)

    def sign_in(self, login: str, password: str) -> None:
        self.see("登录名")  # the sign-in page, not the app
        sign_in_form(self.page, login, password)

    def go(self, page_label: str) -> None:
        self.page.get_by_role("link", name=page_label).click()
        settle(self.page)

    def see(self, text: str, exact: bool = False) -> None:
        expect(self.page.get_by_text(text, exact=exact).first).to_be_visible(timeout=LONG)

    def no_error(self) -> None:
        expect(self.page.get_by_test_id("stException")).to_have_count(0)
        expect(self.page.get_by_text("出现了意外错误")).to_have_count(0)

    def snap(self, what: str, widths: tuple[int, ...] = (1440,)) -> None:
        for width in widths:
            # Streamlit scrolls inside its main block, so a tall window shows the whole page
            self.page.set_viewport_size({"width": width, "height": 2400})
            self.page.wait_for_timeout(400)
            self.shots += 1
            shot(self.page, f"{self.name}-{self.shots:02d}-{what}-{width}")
        self.page.set_viewport_size({"width": 1440, "height": 900})

    def click(self, name: str, within: Locator | None = None) -> None:
        (within or self.page).get_by_role("button", name=name, exact=True).click()
        settle(self.page)

    def choose(self, label: str, option: str, within: Locator | None = None) -> None:
        """Pick ``option`` in the drop-down labelled ``label`` (a Streamlit selectbox)."""
        (within or self.page).get_by_role("combobox", name=label).first.click()
        self.page.get_by_role("option", name=option, exact=True).click()
        settle(self.page)

    def pick(self, label: str, options: list[str], within: Locator | None = None) -> None:
        """Pick each of ``options`` in the multiple choice labelled ``label``: typed, then
        chosen from the list (a Streamlit multiselect)."""
        box = (within or self.page).get_by_role("combobox", name=label).first
        for option in options:
            box.click()
            box.fill(option)
            self.page.get_by_role("option", name=option).first.click()
        self.page.keyboard.press("Escape")

    def type_date(self, label: str, day: str, within: Locator | None = None) -> None:
        """Type a date (YYYY/MM/DD) into the date field labelled ``label``: its year, month and
        day parts one after the other, as a person types them."""
        field = (within or self.page).get_by_label(label).first
        segments = field.locator('[role="spinbutton"]')
        (segments.first if segments.count() else field).click()
        self.page.keyboard.type(day.replace("/", ""))
        self.page.keyboard.press("Escape")

    def confirm(self, name: str) -> None:
        """Click an action that asks first, read the dialog, confirm."""
        self.click(name)
        dialog = self.page.get_by_role("dialog")
        expect(dialog).to_be_visible(timeout=LONG)
        dialog.get_by_role("button", name=name, exact=True).click()
        settle(self.page)

    # -- audit list ----------------------------------------------------------------------
    def expand(self, label: str) -> Locator:
        """Open the expander ``label`` unless it is open (the app opens some by itself)."""
        expander = self.page.locator("details").filter(
            has=self.page.locator("summary").get_by_text(label, exact=True)
        )
        expect(expander).to_have_count(1, timeout=LONG)
        if expander.get_attribute("open") is None:
            expander.locator("summary").click()
        expect(expander).to_have_attribute("open", "")
        return expander

    def keyed(self, key: str) -> Locator:
        """The widget the app created with ``key`` (Streamlit marks it with a class)."""
        return self.page.locator(".st-key-" + re.sub(r"[^A-Za-z0-9_-]", "-", key))

    def create_organisation(self, name: str, credit_code: str = "") -> None:
        self.expand("＋ 新建组织")
        expect(self.keyed("new_org.name").locator("input")).to_be_editable(timeout=LONG)
        self.page.wait_for_timeout(300)  # the expander's opening animation
        self.keyed("new_org.name").locator("input").fill(name)
        self.keyed("new_org.credit_code").locator("input").fill(credit_code)
        self.page.get_by_test_id("stForm").filter(has=self.keyed("new_org.name")).get_by_role(
            "button", name="保存"
        ).click()
        settle(self.page)

    def create_audit(self) -> None:
        self.expand("＋ 新建审核")
        self.click("创建并开始审核")
        self.see("已评项目")

    # -- checklist -----------------------------------------------------------------------
    def card(self, item_id: str) -> Locator:
        return self.page.locator(".st-key-card_" + item_id.replace(".", "_"))

    def indicator(self, indicator_id: str, last_item: str | None = None) -> None:
        """Choose an indicator and wait until its page is drawn to the last item: a click
        that lands while the page is still being drawn can be lost (seen under load)."""
        group = self.page.get_by_role("radiogroup", name="二级指标")
        group.get_by_text(re.compile(rf"^{re.escape(indicator_id)} ")).click()  # not a caption
        heading = self.page.get_by_role("heading", name=re.compile(rf"^{re.escape(indicator_id)} "))
        expect(heading).to_be_visible(timeout=LONG)
        if last_item is not None:
            expect(self.card(last_item).get_by_role("radiogroup")).to_be_visible(timeout=LONG)
        settle(self.page)
        self.page.wait_for_timeout(300)
        settle(self.page)

    def language(self, name: str) -> None:
        """Switch the interface language in the sidebar ("中文" or "English")."""
        self.page.get_by_test_id("stSidebar").get_by_text(name, exact=True).click()
        settle(self.page)

    def chosen(self, group_name: str) -> str:
        """The label of the chosen option of a radio group, by the group's name."""
        group = self.page.get_by_role("radiogroup", name=group_name)
        return group.locator("label:has(input:checked)").inner_text().strip()

    def indicator_progress(self, indicator_id: str) -> str:
        """The progress the indicator list shows under an indicator (✓ when all are scored)."""
        group = self.page.get_by_role("radiogroup", name="二级指标")
        option = group.locator("div:has(> label)").filter(has_text=indicator_id + " ")
        return option.get_by_test_id("stRadioCaption").inner_text()

    def chosen_indicator(self) -> str:
        group = self.page.get_by_role("radiogroup", name="二级指标")
        return group.locator("label:has(input:checked)").inner_text().split()[0]

    def score(self, item_id: str, status: str) -> None:
        card = self.card(item_id)
        choices = card.get_by_role("radiogroup", name="评价结果")
        expect(choices).to_have_count(1, timeout=LONG)  # the card is drawn once, not mid-run
        choices.get_by_text(status, exact=True).click()
        # a card reruns on its own (a fragment), which Streamlit's status widget may not show:
        # wait for the card's own answer instead
        answer = "请填写抽查样本数" if status == "抽样" else "已自动保存"
        expect(card.get_by_text(answer)).to_be_visible(timeout=LONG)
        settle(self.page)

    def tab_presses_to_next_status(self, item_id: str, next_id: str, limit: int = 12) -> int:
        """Tab presses from one item's status choice to the next item's."""
        self.card(item_id).get_by_role("radio", checked=True).focus()
        target = self.card(next_id).get_by_role("radiogroup", name="评价结果")
        for presses in range(1, limit + 1):
            self.page.keyboard.press("Tab")
            if target.evaluate("group => group.contains(document.activeElement)"):
                return presses
        return limit + 1

    def saved(self, item_id: str) -> None:
        expect(self.card(item_id).get_by_text("已自动保存")).to_be_visible(timeout=LONG)

    def details(self, item_id: str) -> Locator:
        """The card with its details open (the app opens them itself when points are lost)."""
        card = self.card(item_id)
        # the card's own details come first; an evidence request's form is nested inside them
        expander = card.locator("details").first
        expect(expander).to_be_visible(timeout=LONG)
        if expander.get_attribute("open") is None:
            expander.locator("summary").click()
            settle(self.page)
        expect(card.get_by_label("评价发现 / 不符合事实")).to_be_editable(timeout=LONG)
        return card

    def type_into(self, item_id: str, label: str, text: str) -> None:
        field = self.details(item_id).get_by_label(label)
        field.fill(text)
        field.press("Tab")  # leaving the field saves it
        settle(self.page)

    def tab(self, name: str) -> None:
        self.page.get_by_role("tab", name=name).click()
        settle(self.page)

    def open_tab(self) -> str:
        return self.page.get_by_role("tab", selected=True).inner_text()

    def upload(self, locator: Locator, path: Path) -> None:
        locator.locator("input[type=file]").set_input_files(str(path))
        settle(self.page)
