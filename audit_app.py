"""星级售后自评 — the Streamlit app. For now it shows the bundled GB/T 27922-2011 catalogue."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from criteria import default_catalogue

st.set_page_config(page_title="星级售后自评 · GB/T 27922", page_icon="⭐", layout="wide")

catalogue = default_catalogue()
spec = catalogue.spec
st.title("星级售后自评")
st.caption(f"{spec.standard} {spec.title.zh} · {spec.title.en} · 目录哈希 {catalogue.short_hash}")

for first in spec.indicators:
    points = sum(item.points for second in first.children for item in second.items)
    st.subheader(f"{first.id} {first.title.zh}（{points} 分） · {first.title.en}")
    for second in first.children:
        with st.expander(f"{second.id} {second.title.zh} · {second.title.en}"):
            st.dataframe(
                pd.DataFrame(
                    [
                        {
                            "编号": item.id,
                            "评价项目": item.title.zh,
                            "分值": float(item.points),
                            "评分方式": "抽样" if item.scoring == "sampled" else "符合/不符合",
                            "可删减": "是" if item.excludable else "否",
                            "暂定分值": "是" if item.source.provisional else "否",
                        }
                        for item in second.items
                    ]
                ),
                hide_index=True,
                use_container_width=True,
            )
