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
# galat dari buku kode) dan membaginya secara proporsional ke kecamatan, lalu membandingkan hasilnya dengan
# Tabel 8 tesis; sel terbitan yang berbeda dari hasil hitung ulang ditandai. Jumlah desa per
# kecamatan diambil dari buku kode (Tabel 2), dan jumlah desa sampel dalam kerangka sampel
# (`village_frame`) ditampilkan di sampingnya. Kerangka sampel adalah **data rekonstruksi**,
# bukan data asli penelitian.
#
# Perbandingan hasil hitung ulang dengan Tabel 8 tesis disajikan pada @tbl-sampel-kecamatan.

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
from IPython.display import Markdown, display

from p3md.codebook import load_codebook
from p3md.io.readers import read_raw_file
from p3md.paths import resolve, stage_folders
from p3md.reporting import save_table, text, views
from p3md.stats import published as pub
from p3md.stats import sampling

cb = load_codebook(resolve(codebook_path), data_dir=resolve(data_dir))  # design.yaml kabupaten bila ada
run = stage_folders("sampling", out_dir)  # out_dir None: baca reports/, tulis ke scratch/
out = run.write
display(Markdown(text.reconstruction_notice(lang)))
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
# ## Alokasi per kecamatan dan perbandingan dengan Tabel 8

# %%
frame = read_raw_file(resolve(data_dir), cb, "village_frame")
# Tabel 8 adalah tabel Kabupaten Pesawaran: dibandingkan hanya bila rancangan kabupaten ini
# adalah rancangan tesis (design.compare_published, bawaan buku kode: ya).
compare = bool(design.get("compare_published", True))
published = pub.load_published(resolve(published_path))
table8 = pub.table8_frame(published) if compare else None
st = sampling.sampling_table(design, table8, include_total=True)
st["sampled_in_frame"] = views.sampled_per_stratum(frame, st["kecamatan"])
printed_totals = (pub.value(published, "t8_jumlah_villages"), pub.value(published, "t8_jumlah_respondents")) if compare else None
table, flags = views.sampling_view(st, printed_totals)

# %%
#| label: tbl-sampel-kecamatan
#| tbl-cap: "Sebaran sampel desa per kecamatan (hitung ulang; untuk data tesis dibandingkan dengan angka terbitan, sel berbeda ditandai) (Tabel 8 tesis)"
save_table(
    table, "tbl-sampel-kecamatan", out_dir=out, lang=lang, flags=flags, decimals=2,
    note=("Sampel (sisa terbesar): alokasi aturan buku kode (metode Hamilton). Sel bertanda † / "
          "berwarna: angka Tabel 8 yang berbeda dari hitung ulang. Desa sampel dalam data: "
          "data rekonstruksi."),
)

# %%
if compare:
    n_diff, n_rows = views.flagged_rows(flags)
    display(Markdown(text.mismatch_sentence(n_diff, n_rows, "baris kecamatan" if lang == "id" else "kecamatan rows", lang)))
    display(Markdown(text.printed_sum_sentence(table8["villages"].sum(), printed_totals[0], table8["respondents"].sum(), printed_totals[1], lang)))
