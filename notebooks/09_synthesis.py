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
# # Sintesis antar-kabupaten: meta-analisis efek acak dan peringkat kabupaten
#
# Penelitian yang sama dijalankan di setiap kabupaten; bab ini menggabungkan hasilnya. Dari
# data pendamping terskor setiap kabupaten dihitung dua jenis efek: beda tingkat kinerja (Y)
# PLD dan PDP sebagai korelasi rank-biserial (positif bila PLD cenderung lebih tinggi), dan
# korelasi Rank Spearman setiap karakteristik X1-X7 dengan Y. Efek digabung dengan
# meta-analisis efek acak (estimator τ² Paule-Mandel, skala Fisher z, galat baku
# Bonett-Wright untuk Spearman), lengkap dengan τ², I², uji Q dan interval prediksi
# (Higgins dkk. 2009, t dengan k − 2 derajat bebas). Kabupaten juga diperingkat menurut
# persentase pendamping berkinerja Baik dengan funnel plot berbatas kendali binomial. Semua
# skor adalah **data rekonstruksi**.
#
# Ringkasan meta-analisis ada pada @tbl-sintesis-ringkasan, beda PLD-PDP per kabupaten pada
# @tbl-sintesis-beda-peran dan @fig-forest-beda-peran, korelasi Spearman per kabupaten pada
# @tbl-sintesis-spearman dan @fig-forest-spearman, peringkat kabupaten pada @tbl-sintesis-liga
# dan @fig-funnel-baik, dan efek yang tidak digabung pada @tbl-sintesis-dikecualikan.

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
alpha_difference = 0.05  # taraf nyata uji beda; juga 1 - tingkat kepercayaan IK gabungan
p_method = "asymptotic"  # p yang memutuskan uji: "asymptotic" (Asymp. Sig. SPSS), "exact" (p eksak bila tersedia) atau "auto" (eksak bila tersedia dan n ≤ 40)
min_group_size = 1  # ukuran kelompok terkecil yang diuji; 1 seperti R dan SPSS (kelompok 1-2 diberi peringatan)
reliability_threshold = 0.61  # ambang Alpha Cronbach "reliabel" (Tabel 11 tesis)
class_range = "theoretical"  # rentang kelas interval: "theoretical" (buku kode) atau "observed" (data)
max_missing_share = 0.05  # bagian baris tidak lengkap yang boleh dibuang per analisis (listwise, seperti SPSS); bawaan dari buku kode
lang = "id"  # bahasa kalimat hasil: "id" (Indonesia) atau "en" (Inggris)
districts_dir = ""  # folder run per kabupaten berisi districts.json; kosong: districts/ dari run yang dibaca

# %%
from IPython.display import Markdown, display

from p3md.codebook import load_codebook
from p3md.io.district_runs import read_district_scores
from p3md.codebook.provenance import data_notice
from p3md.paths import resolve, stage_folders
from p3md.reporting import meta_figures, meta_views, save_figure, save_table, text
from p3md.stats import league, meta

cb = load_codebook(resolve(codebook_path))
run = stage_folders("synthesis", out_dir)  # out_dir None: dijalankan manual, tulis ke scratch/
out = run.write
display(Markdown(data_notice(resolve(data_dir), lang)))  # data_kind: provenance.yaml
if run.by_hand:
    display(Markdown(text.hand_run_notice(run, lang)))

# %%
runs = read_district_scores(resolve(districts_dir) if districts_dir else run.read / "districts")
x_vars = [v for v, d in cb.variables.items() if d.group == "X"]
top = max(cb.variables["Y"].categories, key=lambda c: c.max).label
labels = meta_views.effect_labels({x: f"{cb.variables[x].name_id} ({x})" for x in x_vars}, lang)
effects, excluded = meta.district_effects(runs.scored, x_vars, "Y")
summary, weights = meta.meta_summary(effects, alpha=alpha_difference, order=[meta.ROLE_EFFECT, *x_vars])
display(Markdown(text.excluded_sentence(len(excluded), len(runs.skipped), len(runs.scored), lang)))

# %% [markdown]
# ## Meta-analisis efek acak

# %%
#| label: tbl-sintesis-ringkasan
#| tbl-cap: "Meta-analisis efek acak antarkabupaten: efek gabungan, heterogenitas dan interval prediksi"
save_table(meta_views.summary_view(summary, labels, lang), "tbl-sintesis-ringkasan", out_dir=out, lang=lang,
           decimals={"Heterogenitas: I² (%)": 1, "Heterogenitas: Q": 2},
           note="Penggabungan pada skala Fisher z (estimator τ² Paule-Mandel, statsmodels), ditampilkan kembali sebagai r; "
                "I² = (Q − df)/Q; interval prediksi Higgins dkk. (2009) dengan t berderajat bebas k − 2.")

# %%
#| label: tbl-sintesis-penaksir
#| tbl-cap: "Kepekaan efek gabungan terhadap penaksir τ²: Paule-Mandel, REML (bawaan metafor) dan DerSimonian-Laird"
estimators = meta.estimator_comparison(effects, alpha=alpha_difference, order=[meta.ROLE_EFFECT, *x_vars])
save_table(meta_views.estimator_view(estimators, labels), "tbl-sintesis-penaksir", out_dir=out, lang=lang,
           note="Skala Fisher z, ditampilkan kembali sebagai r. REML: kemungkinan maksimum terbatas (penaksir bawaan metafor, Viechtbauer 2005); "
                "Paule-Mandel dipakai pada tabel ringkasan; DerSimonian-Laird sebagai pembanding klasik.")

# %%
for row in summary[summary["k"] >= 2].to_dict("records"):
    display(Markdown(text.meta_sentence(labels[row["effect"]], row, alpha_difference, lang)))

# %% [markdown]
# ## Beda tingkat kinerja PLD dan PDP per kabupaten

# %%
#| label: tbl-sintesis-beda-peran
#| tbl-cap: "Beda tingkat kinerja PLD dan PDP per kabupaten (korelasi rank-biserial) dan bobotnya dalam meta-analisis"
save_table(meta_views.role_districts_view(effects, weights, alpha_difference), "tbl-sintesis-beda-peran", out_dir=out,
           lang=lang, decimals={"Bobot (%)": 1}, note="r_rb = P(PLD > PDP) − P(PLD < PDP); galat baku Brunner-Munzel; IK pada skala z, dikembalikan dengan tanh.")

# %%
#| label: fig-forest-beda-peran
#| fig-cap: "Forest plot beda tingkat kinerja PLD dan PDP per kabupaten (r rank-biserial) dan efek gabungannya"
#| fig-alt: "Forest plot: r rank-biserial beda kinerja PLD dan PDP per kabupaten dengan selang kepercayaan 95%, dan belah ketupat efek gabungan di bawah"
role_rows = meta_views.district_ci(effects[effects["effect"] == meta.ROLE_EFFECT], alpha_difference).merge(
    weights, on=["district", "effect"])
save_figure(meta_figures.plot_forest(role_rows, summary.set_index("effect").loc[meta.ROLE_EFFECT],
                                     title=labels[meta.ROLE_EFFECT], xlabel="r rank-biserial (PLD − PDP)"),
            "fig-forest-beda-peran", out)

# %% [markdown]
# ## Hubungan karakteristik dengan tingkat kinerja per kabupaten

# %%
#| label: tbl-sintesis-spearman
#| tbl-cap: "Korelasi Rank Spearman karakteristik Pendamping Desa (X1-X7) dengan tingkat kinerja (Y) per kabupaten"
save_table(meta_views.spearman_districts_view(effects, x_vars), "tbl-sintesis-spearman", out_dir=out, lang=lang,
           note="Galat baku Fisher z Bonett-Wright (2000): √((1 + rs²/2)/(n − 3)).")

# %%
#| label: fig-forest-spearman
#| fig-cap: "Forest plot korelasi Rank Spearman X1-X7 dengan tingkat kinerja (Y) per kabupaten"
#| fig-alt: "Panel forest plot, satu per karakteristik X1 sampai X7: korelasi Spearman per kabupaten dengan selang kepercayaan dan efek gabungan"
pooled_x = [x for x in x_vars if (summary.set_index("effect").loc[x, "k"] >= 2)]
x_rows = meta_views.district_ci(effects[effects["effect"].isin(pooled_x)], alpha_difference).merge(
    weights, on=["district", "effect"])
save_figure(meta_figures.plot_forest_grid(x_rows, summary, pooled_x, labels), "fig-forest-spearman", out)

# %% [markdown]
# ## Peringkat kabupaten

# %%
#| label: tbl-sintesis-liga
#| tbl-cap: "Peringkat kabupaten menurut persentase pendamping berkinerja Baik, dengan batas kendali binomial"
ranking, p0 = league.league_table(runs.scored, "Y_cat", top)
save_table(meta_views.league_view(ranking, top, lang), "tbl-sintesis-liga", out_dir=out, lang=lang, decimals=1,
           note="Batas kendali: kuantil binomial (n, proporsi keseluruhan) pada 95% dan 99,8% (funnel plot, Spiegelhalter 2005).")

# %%
display(Markdown(text.league_sentence(ranking, p0, top, "95", lang)))

# %%
#| label: fig-funnel-baik
#| fig-cap: "Funnel plot persentase pendamping berkinerja Baik menurut jumlah pendamping per kabupaten"
#| fig-alt: "Funnel plot: persentase pendamping berkinerja Baik tiap kabupaten terhadap jumlah pendamping, dengan batas kendali 95% dan 99,8% di sekitar rata-rata"
save_figure(meta_figures.plot_funnel(ranking, league.funnel_curves(p0, int(ranking["n"].max() * 1.1)), p0, top=top, lang=lang),
            "fig-funnel-baik", out)

# %% [markdown]
# ## Efek yang tidak digabung

# %%
#| label: tbl-sintesis-dikecualikan
#| tbl-cap: "Kabupaten dan efek yang tidak ikut digabung, dengan alasannya"
save_table(meta_views.excluded_view(excluded, runs.skipped, labels), "tbl-sintesis-dikecualikan", out_dir=out, lang=lang,
           note="Efek yang tidak terdefinisi di suatu kabupaten (mis. tanpa PDP, Y konstan) tidak ikut digabung; kabupaten yang gagal tidak dibaca.")
