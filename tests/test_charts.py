"""The dashboard's charts label indicators so that nothing is cut and nothing is read as markup."""

from ui.charts import spoke_label


def test_a_spoke_label_is_wrapped_to_fit_the_charts_margin():
    assert spoke_label("1.1", "组织架构", "zh") == "1.1 组织架构"
    assert spoke_label("2.6", "废弃商品回收处理", "zh") == "2.6 废弃商品回收<br>处理"
    assert spoke_label("2.6", "Take-back of discarded products", "en") == (
        "2.6<br>Take-back of<br>discarded<br>products"
    )
    assert spoke_label("1.5", "", "zh") == "1.5"


def test_an_imported_title_is_drawn_as_its_characters_not_as_plotly_markup():
    # a body's workbook may hold anything in a title; Plotly would follow <a href> and read <br>
    label = spoke_label("1.1", "<a href='http://evil'>x</a> &amp;", "en")
    assert "<a" not in label and "&lt;a" in label and "&amp;amp;" in label
    assert spoke_label("1.1", "甲<b>乙</b>", "zh").startswith("1.1 甲&lt;b&gt;乙")
