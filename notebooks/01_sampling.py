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
# # Sampel penelitian: rumus Slovin dan alokasi proporsional
#
# Bab ini menghitung ulang ukuran sampel desa dengan rumus Slovin (populasi desa dan batas
# galat dari buku kode) dan membaginya secara proporsional ke kecamatan. Jumlah desa per
# kecamatan diambil dari rancangan buku kode, dan jumlah desa sampel dalam kerangka sampel
# (`village_frame`) ditampilkan di sampingnya. Bila lapisan reproduksi aktif (`published.yaml`)
# dan rancangannya adalah rancangan yang dicetak sumber, hasil hitung ulang dibandingkan dengan
# tabel terbitan dan sel yang berbeda ditandai.
#
# Sebaran sampel per kecamatan disajikan pada @tbl-sampel-kecamatan.

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
from IPython.display import Markdown, display

from p3md.codebook import load_codebook
from p3md.codebook.provenance import data_notice, kind_words
from p3md.io.readers import read_raw_file
from p3md.paths import resolve, stage_folders
from p3md.reporting import text, views
from p3md.reporting import study_text as st
from p3md.reporting.floats import show_table
from p3md.stats import published as pub
from p3md.stats import sampling

cb = load_codebook(resolve(codebook_path), data_dir=resolve(data_dir))  # design.yaml kabupaten bila ada
run = stage_folders("sampling", out_dir)  # out_dir None: baca reports/, tulis ke scratch/
out = run.write
layer = st.load_layer(resolve(published_path))  # angka terbitan (lapisan reproduksi) bila ada
display(Markdown(data_notice(resolve(data_dir), lang)))
if run.by_hand:
    display(Markdown(text.hand_run_notice(run, lang)))

# %% [markdown]
# ## Ukuran sampel

# %%
design = cb.design
N = int(design["sampling"]["population_villages"])
e = float(design["sampling"]["error_margin"])
n_exact = sampling.slovin(N, e)
n = sampling.slovin_n(N, e, design["sampling"]["sample_rounding"])
display(Markdown(text.slovin_sentence(N, e, n_exact, n, lang)))

# %% [markdown]
# ## Alokasi per kecamatan

# %%
frame = read_raw_file(resolve(data_dir), cb, "village_frame")
# The printed sample table is compared only when the run's design is the one it prints: the
# reproduction layer is on and the design names the same kecamatan (a district's design.yaml
# may also switch it off with compare_published: false).
printed = pub.table8_frame(layer) if layer and "values" in layer else None
compare = (printed is not None and bool(design.get("compare_published", True))
           and set(printed["kecamatan"]) == set(cb.kecamatan))
table8 = printed if compare else None
rows = sampling.sampling_table(design, table8, include_total=True)
rows["sampled_in_frame"] = views.sampled_per_stratum(frame, rows["kecamatan"])
printed_totals = (pub.value(layer, "t8_jumlah_villages"), pub.value(layer, "t8_jumlah_respondents")) if compare else None
# The design's own printed table (published.yaml, tables: design) is named when compared.
design_table = st.thesis_number("design", cb, layer) if compare else None
table, flags = views.sampling_view(rows, printed_totals, f"Jumlah desa (Tabel {design_table})" if design_table else "Jumlah desa")

# %%
caption = (st.caption("sample", cb, "tbl-sampel-kecamatan", None, lang)
           + ("; dibandingkan dengan angka terbitan, sel berbeda ditandai" + st.thesis_ref("tbl-sampel-kecamatan", cb, layer, lang) if compare else ""))
show_table(
    table, "tbl-sampel-kecamatan", caption, out_dir=out, lang=lang, flags=flags, decimals=2,
    note=" ".join(filter(None, [
        "Sampel (sisa terbesar): alokasi aturan buku kode (metode Hamilton).",
        "Sel bertanda † / berwarna: angka terbitan yang berbeda dari hitung ulang." if compare else None,
        f"Desa sampel dalam data: {kind_words(resolve(data_dir), lang)}."])),
)

# %%
if compare:
    n_diff, n_rows = views.flagged_rows(flags)
    display(Markdown(text.mismatch_sentence(n_diff, n_rows, "baris kecamatan" if lang == "id" else "kecamatan rows", lang)))
    display(Markdown(text.printed_sum_sentence(table8["villages"].sum(), printed_totals[0], table8["respondents"].sum(), printed_totals[1], lang)))
