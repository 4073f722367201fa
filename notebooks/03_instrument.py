# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     notebook_metadata_filter: kernelspec,jupytext,-jupytext.text_representation.jupytext_version
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#   kernelspec:
#     display_name: p3md
#     language: python
#     name: p3md
# ---

# %% [markdown]
# # Uji instrumen: validitas dan reliabilitas
#
# Bab ini mengulang uji coba instrumen pada responden uji coba: validitas butir dengan korelasi
# butir-total Pearson ("r hitung", butir termasuk dalam total, seperti SPSS) dan korelasi
# butir-sisa terkoreksi sebagai pembanding, dibandingkan dengan r tabel dua sisi pada
# df = n - 2, serta reliabilitas Alpha Cronbach dengan selang kepercayaan 95% dan ambang dari
# parameter. Skala yang diuji adalah variabel buku kode dengan `in_instrument_test: true`.
#
# Validitas butir disajikan pada @tbl-validitas-x dan @tbl-validitas-y, statistik butir-total ala SPSS pada @tbl-butir-total, reliabilitas pada @tbl-reliabilitas.

# %% tags=["parameters"]
# Parameter tahap. `make report` menyuntikkan nilainya; nilai di bawah adalah bawaan saat
# notebook dijalankan sendiri (JupyterLab). Jalur relatif dihitung dari folder proyek.
data_dir = "data/raw"  # folder data mentah (hanya dibaca, tidak pernah ditulis)
out_dir = None  # folder hasil; None: dijalankan manual, tulis ke scratch/ (bukan reports/)
codebook_path = "data/codebook.yaml"  # buku kode: butir, skala, batas kategori, rancangan
published_path = "data/published.yaml"  # angka terbitan tesis dan artikel, apa adanya
seed = 20230616  # benih acak (untuk pembangkit data; tahap ini tidak mengambil sampel acak)
alpha_validity = 0.05  # taraf nyata uji validitas butir (dua sisi; r tabel dengan df n - 2)
alpha_correlation = 0.10  # taraf nyata korelasi Rank Spearman (tesis: 0,1)
alpha_difference = 0.05  # taraf nyata uji beda Kruskal-Wallis / Mann-Whitney / Wioi
p_method = "asymptotic"  # p yang memutuskan uji: "asymptotic" (Asymp. Sig. SPSS), "exact" (p eksak bila tersedia) atau "auto" (eksak bila tersedia dan n ≤ 40)
min_group_size = 1  # ukuran kelompok terkecil yang diuji; 1 seperti R dan SPSS (kelompok 1-2 diberi peringatan)
reliability_threshold = 0.61  # ambang Alpha Cronbach "reliabel" (Tabel 11 tesis)
class_range = "theoretical"  # rentang kelas interval: "theoretical" (buku kode) atau "observed" (data)
max_missing_share = 0.05  # bagian baris tidak lengkap yang boleh dibuang per analisis (listwise, seperti SPSS); bawaan dari buku kode
lang = "id"  # bahasa kalimat hasil: "id" (Indonesia) atau "en" (Inggris)
districts_dir = ""  # folder hasil per kabupaten (hanya sintesis antar-kabupaten; kosong: satu kabupaten)

# %%
import pandas as pd
from IPython.display import Markdown, display

from p3md.codebook import load_codebook
from p3md.codebook.provenance import data_notice
from p3md.paths import resolve, stage_folders
from p3md.reporting import save_table, text, views
from p3md.reporting import study_text as st
from p3md.reporting.floats import show_table
from p3md.stats import instrument

cb = load_codebook(resolve(codebook_path), data_dir=resolve(data_dir))  # design.yaml kabupaten bila ada
run = stage_folders("instrument", out_dir)  # out_dir None: baca reports/, tulis ke scratch/
out = run.write
layer = st.load_layer(resolve(published_path))  # angka terbitan (lapisan reproduksi) bila ada
display(Markdown(data_notice(resolve(data_dir), lang)))
display(Markdown(text.parameters_sentence(
    {"alpha_validity": alpha_validity, "reliability_threshold": reliability_threshold}, lang)))
if run.by_hand:
    display(Markdown(text.hand_run_notice(run, lang)))

# %%
pilot = pd.read_csv(run.read / "derived" / "pilot_scored.csv")
tested = [v for v, d in cb.variables.items() if d.in_instrument_test]
# An indicator of a tested composite is tested within the composite (its items numbered across).
inside = {i for v in tested for i in (cb.variables[v].indicators or [])}
x_vars = [v for v in tested if cb.variables[v].group == "X" and v not in inside]
y_vars = [v for v in tested if cb.variables[v].group == "Y" and v not in inside]
names = views.variable_labels(cb)
items = {v: views.instrument_columns(pilot, v) for v in [*x_vars, *y_vars]}
validity = {v: instrument.item_validity(m, alpha_validity, max_missing_share=max_missing_share) for v, m in items.items()}
reliab = {v: instrument.reliability(m, reliability_threshold, max_missing_share=max_missing_share) for v, m in items.items()}
left_out = st.left_out_note(pilot, [c for m in items.values() for c in m.columns], max_missing_share, lang)

# %%
val_x = views.validity_frame({v: validity[v] for v in x_vars})
show_table(views.validity_view(val_x, names), "tbl-validitas-x",
           st.caption("validity", cb, "tbl-validitas-x", layer, lang, part=st.say("part_X", lang)), out_dir=out, lang=lang,
           note="r hitung: korelasi butir-total (butir termasuk); r terkoreksi: korelasi butir-sisa. Keputusan: r hitung > r tabel. " + left_out)

# %%
val_y = views.validity_frame({v: validity[v] for v in y_vars})
numbered = " ".join(f"Butir 1-{items[v].shape[1]} {v} diberi nomor urut melintasi indikatornya ({st.join(cb.variables[v].indicators, lang)}); butir khusus kelompok pada nomor yang sama digabung dalam satu kolom."
                    for v in y_vars if cb.variables[v].indicators)
show_table(views.validity_view(val_y, names), "tbl-validitas-y",
           st.caption("validity", cb, "tbl-validitas-y", layer, lang, part=st.say("part_Y", lang)), out_dir=out, lang=lang,
           note=" ".join(filter(None, [numbered, left_out])))

# %%
display(Markdown(text.validity_sentence(pd.concat([val_x, val_y]), lang)))

# %%
#| label: tbl-butir-total
#| tbl-cap: "Statistik butir-total setiap skala (Item-Total Statistics SPSS) di samping keputusan r hitung dan r tabel"
item_total = pd.concat([instrument.item_total_statistics(m, max_missing_share=max_missing_share).assign(variable=v) for v, m in items.items()], ignore_index=True)
save_table(views.item_total_view(item_total, pd.concat([val_x, val_y]), names), "tbl-butir-total", out_dir=out, lang=lang,
           note="Kolom seperti tabel Item-Total Statistics SPSS (RELIABILITY /SUMMARY=TOTAL): rata-rata dan varians (n - 1) skor skala tanpa butir itu, "
                "korelasi butir dengan skor sisa, korelasi ganda kuadrat (1 - 1/diag(R⁻¹); kosong bila matriks korelasi singular), "
                "dan Alpha Cronbach tanpa butir itu. Tampilan dibulatkan 3 desimal; unduhan CSV memuat presisi penuh.")

# %%
rel = views.reliability_frame(reliab)
show_table(views.reliability_view(rel, names), "tbl-reliabilitas",
           st.caption("reliability", cb, "tbl-reliabilitas", layer, lang), out_dir=out, lang=lang,
           note="Alpha Cronbach (penghapusan listwise, seperti SPSS) dan Alpha berdasarkan butir terstandar (\"Based on Standardized Items\" SPSS); "
                "selang kepercayaan 95% menurut Feldt, tanpa pembulatan (unduhan CSV memuat presisi penuh). " + left_out)

# %%
display(Markdown(text.reliability_sentence(rel, lang)))
