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
# # Deskripsi karakteristik dan tingkat kinerja Pendamping Desa
#
# Bab ini menggolongkan skor total setiap variabel ke dalam kategori menurut **batas kategori
# buku kode** (batas yang dicetak tesis pada definisi operasional), untuk seluruh pendamping dan
# per peran (PDP, PLD): jumlah, persentase, median dan modus, seperti Tabel 13-28 tesis. Batas
# ini adalah penggolongan utama laporan: bab penskoran, bab ini, kalimat hasil dan kesimpulan
# memakainya. Sebagai pembanding, setiap tabel juga memuat kelas interval sama lebar
# I = (skor tertinggi - skor terendah) / jumlah kelas (rentang teoretis atau teramati, parameter
# proses) dengan jumlah pendamping per kelas. Tabel 21, 22, 24 dan 25 menampilkan sebaran modus
# per sub indikator. Skor berasal dari **data rekonstruksi**, bukan data asli penelitian.
#
# Sebaran kelas setiap variabel dimulai dari @tbl-kelas-x1 hingga @tbl-kelas-y; sebarannya menurut peran digambarkan pada @fig-sebaran-x-peran dan @fig-sebaran-y-peran.

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
from p3md.paths import resolve, stage_folders
from p3md.reporting import figures, save_figure, save_table, text, views
from p3md.stats import intervals

cb = load_codebook(resolve(codebook_path), data_dir=resolve(data_dir))  # design.yaml kabupaten bila ada
run = stage_folders("descriptive", out_dir)  # out_dir None: baca reports/, tulis ke scratch/
out = run.write
display(Markdown(text.reconstruction_notice(lang)))
display(Markdown(text.parameters_sentence(
    {"interval_classes": cb.interval_classes, "class_range": class_range}, lang)))
if run.by_hand:
    display(Markdown(text.hand_run_notice(run, lang)))

# %%
fac = pd.read_csv(run.read / "derived" / "facilitators_scored.csv")
modes = pd.read_csv(run.read / "derived" / "modes.csv")
names = views.variable_labels(cb)
groups = {"Gabungan": fac, **{r: fac[fac["role"] == r] for r in views.ROLE_ORDER}}
dists, equal, summaries = {}, {}, {}  # dists: the codebook's bands (primary); equal: interval classes (comparison)
for var, spec in cb.variables.items():
    classes = intervals.classes_for(fac[var], spec.score_range, class_range, cb.interval_classes)
    labels = views.category_labels_low_to_high(cb, var)
    dists[var] = {g: intervals.class_distribution(d[var], views.band_classes(cb, var), labels, max_missing_share=max_missing_share) for g, d in groups.items()}
    equal[var] = {g: intervals.class_distribution(d[var], classes, labels, max_missing_share=max_missing_share) for g, d in groups.items()}
    summaries[var] = {g: intervals.score_summary(d[var]) for g, d in groups.items()}
NOTE = text.banding_note(class_range, cb.interval_classes, lang)

# %%
#| label: tbl-kelas-x1
#| tbl-cap: "Hasil pengukuran variabel tingkat pendidikan formal PLD dan PDP di Kabupaten Pesawaran (Tabel 13 tesis)"
save_table(views.class_view(dists["X1"], summaries["X1"], comparison=equal["X1"]), "tbl-kelas-x1", out_dir=out, lang=lang, note=NOTE, decimals=1)

# %%
#| label: tbl-kelas-x2
#| tbl-cap: "Sebaran variabel tingkat pendidikan non formal PDP dan PLD di Kabupaten Pesawaran (Tabel 14 tesis)"
save_table(views.class_view(dists["X2"], summaries["X2"], comparison=equal["X2"]), "tbl-kelas-x2", out_dir=out, lang=lang, note=NOTE, decimals=1)

# %%
#| label: tbl-kelas-x3
#| tbl-cap: "Sebaran tingkat motivasi kerja PDP dan PLD di Kabupaten Pesawaran (Tabel 15 tesis)"
save_table(views.class_view(dists["X3"], summaries["X3"], comparison=equal["X3"]), "tbl-kelas-x3", out_dir=out, lang=lang, note=NOTE, decimals=1)

# %%
#| label: tbl-kelas-x4
#| tbl-cap: "Sebaran variabel tingkat disiplin kerja PDP dan PLD di Kabupaten Pesawaran (Tabel 16 tesis)"
save_table(views.class_view(dists["X4"], summaries["X4"], comparison=equal["X4"]), "tbl-kelas-x4", out_dir=out, lang=lang, note=NOTE, decimals=1)

# %%
#| label: tbl-kelas-x5
#| tbl-cap: "Banyaknya desa dampingan PDP dan PLD di Kabupaten Pesawaran (Tabel 17 tesis)"
save_table(views.class_view(dists["X5"], summaries["X5"], comparison=equal["X5"]), "tbl-kelas-x5", out_dir=out, lang=lang, note=NOTE, decimals=1)

# %%
#| label: tbl-kelas-x6
#| tbl-cap: "Jarak desa dampingan PDP dan PLD di Kabupaten Pesawaran (Tabel 18 tesis)"
save_table(views.class_view(dists["X6"], summaries["X6"], comparison=equal["X6"]), "tbl-kelas-x6", out_dir=out, lang=lang, decimals=1,
           note=NOTE + " Arah pita jarak berbeda menurut peran (lihat buku kode, X6).")

# %%
#| label: tbl-kelas-x7
#| tbl-cap: "Sebaran variabel tingkat hubungan interpersonal PDP dan PLD di Kabupaten Pesawaran (Tabel 19 tesis)"
save_table(views.class_view(dists["X7"], summaries["X7"], comparison=equal["X7"]), "tbl-kelas-x7", out_dir=out, lang=lang, note=NOTE, decimals=1)

# %%
#| label: fig-sebaran-x-peran
#| fig-cap: "Sebaran kategori karakteristik Pendamping Desa (X1-X7) menurut peran"
x_vars = [v for v, d in cb.variables.items() if d.group == "X"]
long_x = views.long_distribution({v: dists[v] for v in x_vars}, names)
fig = figures.plot_categories_by_role(long_x, orders={names[v]: views.category_labels_low_to_high(cb, v) for v in x_vars})
save_figure(fig, "fig-sebaran-x-peran", out)

# %% [markdown]
# ## Tingkat kinerja

# %%
#| label: tbl-kelas-y1
#| tbl-cap: "Sebaran tingkat kinerja pendampingan PDP dan PLD di Kabupaten Pesawaran (Tabel 20 tesis)"
save_table(views.class_view(dists["Y1"], summaries["Y1"], comparison=equal["Y1"]), "tbl-kelas-y1", out_dir=out, lang=lang, note=NOTE, decimals=1)

# %%
#| label: tbl-modus-y1-pdp
#| tbl-cap: "Sebaran modus tingkat kinerja pendampingan PDP di Kabupaten Pesawaran berdasarkan sub indikator penilaian (Tabel 21 tesis)"
save_table(views.modes_view(modes, cb, "Y1", "PDP"), "tbl-modus-y1-pdp", out_dir=out, lang=lang, decimals=1, note=text.percent_note(lang))

# %%
#| label: tbl-modus-y1-pld
#| tbl-cap: "Sebaran modus tingkat kinerja pendampingan PLD di Kabupaten Pesawaran berdasarkan sub indikator penilaian (Tabel 22 tesis)"
save_table(views.modes_view(modes, cb, "Y1", "PLD"), "tbl-modus-y1-pld", out_dir=out, lang=lang, decimals=1, note=text.percent_note(lang))

# %%
#| label: tbl-kelas-y2
#| tbl-cap: "Sebaran tingkat kinerja supervisi PDP dan PLD di Kabupaten Pesawaran (Tabel 23 tesis)"
save_table(views.class_view(dists["Y2"], summaries["Y2"], comparison=equal["Y2"]), "tbl-kelas-y2", out_dir=out, lang=lang, note=NOTE, decimals=1)

# %%
#| label: tbl-modus-y2-pdp
#| tbl-cap: "Sebaran modus tingkat kinerja supervisi PDP di Kabupaten Pesawaran berdasarkan sub indikator penilaian (Tabel 24 tesis)"
save_table(views.modes_view(modes, cb, "Y2", "PDP"), "tbl-modus-y2-pdp", out_dir=out, lang=lang, decimals=1, note=text.percent_note(lang))

# %%
#| label: tbl-modus-y2-pld
#| tbl-cap: "Sebaran modus tingkat kinerja supervisi PLD di Kabupaten Pesawaran berdasarkan sub indikator penilaian (Tabel 25 tesis)"
save_table(views.modes_view(modes, cb, "Y2", "PLD"), "tbl-modus-y2-pld", out_dir=out, lang=lang, decimals=1, note=text.percent_note(lang))

# %%
#| label: tbl-kelas-y3
#| tbl-cap: "Sebaran tingkat kinerja koordinasi PDP dan PLD di Kabupaten Pesawaran (Tabel 26 tesis)"
save_table(views.class_view(dists["Y3"], summaries["Y3"], comparison=equal["Y3"]), "tbl-kelas-y3", out_dir=out, lang=lang, note=NOTE, decimals=1)

# %%
#| label: tbl-kelas-y4
#| tbl-cap: "Sebaran tingkat kinerja administrasi PDP dan PLD di Kabupaten Pesawaran (Tabel 27 tesis)"
save_table(views.class_view(dists["Y4"], summaries["Y4"], comparison=equal["Y4"]), "tbl-kelas-y4", out_dir=out, lang=lang, note=NOTE, decimals=1)

# %%
#| label: tbl-kelas-y
#| tbl-cap: "Sebaran tingkat kinerja PDP dan PLD (Tabel 28 tesis)"
save_table(views.class_view(dists["Y"], summaries["Y"], comparison=equal["Y"]), "tbl-kelas-y", out_dir=out, lang=lang, decimals=1,
           note=NOTE + " Batas kategori Y adalah jumlah batas keempat indikator (buku kode).")

# %%
display(Markdown(" ".join(
    text.category_sentence(f"Tingkat kinerja {r}" if lang == "id" else f"Performance of {r}",
                           views.median_class_label(dists["Y"][r]),
                           median=float(summaries["Y"][r]["median"].iloc[0]), lang=lang)
    for r in views.ROLE_ORDER
)))

# %%
#| label: fig-sebaran-y-peran
#| fig-cap: "Sebaran skor kinerja Pendamping Desa (Y1-Y4 dan Y) menurut peran"
y_vars = [v for v, d in cb.variables.items() if d.group == "Y"]
fig = figures.plot_scores_by_role(fac, y_vars, titles=names)
save_figure(fig, "fig-sebaran-y-peran", out)
