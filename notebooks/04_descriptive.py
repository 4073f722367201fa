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
# # Deskripsi variabel karakteristik dan hasil
#
# Bab ini menggolongkan skor total setiap variabel yang dinyatakan buku kode ke dalam kategori
# menurut **batas kategori buku kode**, untuk seluruh responden dan per kelompok: jumlah,
# persentase, median dan modus. Batas ini adalah penggolongan utama laporan. Sebagai
# pembanding, setiap tabel juga memuat kelas interval sama lebar I = (skor tertinggi - skor
# terendah) / jumlah kelas (rentang teoretis atau teramati, parameter proses), kecuali bila
# buku kode menyatakan `interval_classes: categories`. Untuk variabel yang dinilai beberapa penilai
# di desa, sebaran modus per butir ditampilkan per kelompok. Tabel disusun dengan perulangan
# atas variabel buku kode, sehingga nomor dan judulnya mengikuti studi yang dijalankan.

# %% tags=["parameters"]
# Parameter tahap. `make report` menyuntikkan nilainya; nilai di bawah adalah bawaan saat
# notebook dijalankan sendiri (JupyterLab). Jalur relatif dihitung dari folder proyek.
data_dir = "data/raw"  # folder data mentah (hanya dibaca, tidak pernah ditulis)
out_dir = None  # folder hasil; None: dijalankan manual, tulis ke scratch/ (bukan reports/)
codebook_path = "data/codebook.yaml"  # buku kode: butir, skala, batas kategori, rancangan
published_path = "data/published.yaml"  # angka terbitan tesis dan artikel, apa adanya
seed = 20230616  # benih acak (rekonstruksi data; tahap ini tidak mengambil sampel acak)
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
from p3md.reporting import figures, save_figure, text, views
from p3md.reporting import study_text as st
from p3md.reporting.floats import label_for, show_table
from p3md.stats import intervals

cb = load_codebook(resolve(codebook_path), data_dir=resolve(data_dir))  # design.yaml kabupaten bila ada
run = stage_folders("descriptive", out_dir)  # out_dir None: baca reports/, tulis ke scratch/
out = run.write
layer = st.load_layer(resolve(published_path))  # angka terbitan (lapisan reproduksi) bila ada
display(Markdown(data_notice(resolve(data_dir), lang)))
display(Markdown(text.parameters_sentence(
    {"interval_classes": cb.interval_classes, "class_range": class_range}, lang)))
if run.by_hand:
    display(Markdown(text.hand_run_notice(run, lang)))

# %%
fac = pd.read_csv(run.read / "derived" / "facilitators_scored.csv")
modes = pd.read_csv(run.read / "derived" / "modes.csv")
names = views.variable_labels(cb)
groups = {"Gabungan": fac, **{r: fac[fac["role"] == r] for r in cb.groups}}
dists, equal, summaries = {}, {}, {}  # dists: the codebook's bands (primary); equal: interval classes (comparison)
for var, spec in cb.variables.items():
    labels = views.category_labels_low_to_high(cb, var)
    # One table is one analysis: the share of empty answers is judged on all respondents.
    share = {g: max_missing_share if g == "Gabungan" else 1.0 for g in groups}
    dists[var] = {g: intervals.class_distribution(d[var], views.band_classes(cb, var), labels, max_missing_share=share[g]) for g, d in groups.items()}
    if cb.interval_classes != "categories":  # equal-width classes beside the codebook's bands
        classes = intervals.classes_for(fac[var], spec.score_range, class_range, cb.interval_classes)
        equal[var] = {g: intervals.class_distribution(d[var], classes, labels, max_missing_share=share[g]) for g, d in groups.items()}
    summaries[var] = {g: intervals.score_summary(d[var]) for g, d in groups.items()}
NOTE = text.banding_note(class_range, cb.interval_classes, lang) if cb.interval_classes != "categories" else text.percent_note(lang)


def class_note(var):
    """The note of a variable's class table: the class rule, the variable's own remarks, and
    the rows left out for missing answers."""
    spec = cb.variables[var]
    parts = [NOTE]
    if spec.indicators:
        parts.append(f"Batas kategori {var} adalah jumlah batas indikator {st.join(spec.indicators, lang)} (buku kode).")
    elif spec.deviation:
        parts.append(f"Lihat catatan buku kode untuk {var}.")
    parts.append(st.left_out_note(fac, [var], max_missing_share, lang))
    return " ".join(parts)


def show_classes(var):
    label = label_for("tbl-kelas", var)
    show_table(views.class_view(dists[var], summaries[var], ("Gabungan", *cb.groups), comparison=equal.get(var)), label,
               st.class_caption(cb, var, label, layer, lang), out_dir=out, lang=lang, note=class_note(var), decimals=1)


# %% [markdown]
# ## Karakteristik (X)

# %%
x_vars = cb.variables_of("X")
for var in x_vars:
    show_classes(var)

# %%
#| label: fig-sebaran-x-peran
#| fig-cap: "Sebaran kategori variabel karakteristik (X) menurut kelompok"
#| fig-alt: "Diagram batang berdampingan, satu panel per variabel karakteristik: persentase responden setiap kelompok pada setiap kategori, dari terendah ke tertinggi, menurut batas kategori buku kode"
long_x = views.long_distribution({v: dists[v] for v in x_vars}, names, roles=cb.groups)
fig = figures.plot_categories_by_role(long_x, orders={names[v]: views.category_labels_low_to_high(cb, v) for v in x_vars})
save_figure(fig, "fig-sebaran-x-peran", out)

# %% [markdown]
# ## Hasil (Y)

# %%
y_vars = cb.variables_of("Y")
for var in y_vars:
    show_classes(var)
    if cb.variables[var].rater == "official":  # several raters per respondent: modal answers
        for role in cb.groups:
            label = label_for("tbl-modus", var, role)
            show_table(views.modes_view(modes, cb, var, role), label,
                       st.caption("modes", cb, label, layer, lang, name=st.name(cb, var, lang), var=var, group=role),
                       out_dir=out, lang=lang, decimals=1, note=text.percent_note(lang))

# %%
outcome = cb.outcome
display(Markdown(" ".join(
    text.category_sentence(f"{cb.variables[outcome].name_id} {r}" if lang == "id" else f"{cb.variables[outcome].name_en}, {r}",
                           views.median_class_label(dists[outcome][r]),
                           median=float(summaries[outcome][r]["median"].iloc[0]), lang=lang)
    for r in cb.groups
)))

# %%
#| label: fig-sebaran-y-peran
#| fig-cap: "Sebaran skor variabel hasil (Y) menurut kelompok"
#| fig-alt: "Diagram kotak dengan satu titik per responden, satu panel per variabel hasil: skor total setiap kelompok berdampingan"
fig = figures.plot_scores_by_role(fac, y_vars, titles=names)
save_figure(fig, "fig-sebaran-y-peran", out)
