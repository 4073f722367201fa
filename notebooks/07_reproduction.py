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
# # Reproduksi: nilai dan kesimpulan terbitan dibandingkan dengan hasil hitung ulang
#
# Bab ini membaca tabel-tabel yang ditulis bab 1-6 (folder `tables/`) dan angka terbitan tesis
# serta artikel Wioi (`data/published.yaml`), lalu membandingkan setiap angka dan setiap
# kesimpulan. Perlu ditegaskan: hasil hitung ulang di sini berasal dari **data rekonstruksi**,
# bukan dari data asli penelitian, sehingga kesesuaian atau ketidaksesuaian angka tidak
# membuktikan benar atau salahnya penelitian asli; yang diuji adalah apakah analisis yang
# dijelaskan sumber, bila diterapkan pada data dengan rancangan yang sama, memberikan angka dan
# kesimpulan yang sama.
#
# Perbandingan nilai disajikan pada @tbl-reproduksi-nilai dan perbandingan kesimpulan pada @tbl-reproduksi-kesimpulan.

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

from p3md.codebook.provenance import data_kind, data_notice
from p3md.paths import resolve, stage_folders
from p3md.reporting import collect, save_table, text, views
from p3md.stats import published as pub

run = stage_folders("reproduction", out_dir)  # out_dir None: baca reports/, tulis ke scratch/
out = run.write
display(Markdown(data_notice(resolve(data_dir), lang)))  # data_kind: provenance.yaml
if run.by_hand:
    display(Markdown(text.hand_run_notice(run, lang)))
published = pub.load_published(resolve(published_path))
known = {r["id"] for r in published["values"]}

# %%
#| label: tbl-reproduksi-nilai
#| tbl-cap: "Nilai terbitan dan nilai hasil hitung ulang"
values = pub.compare_values(published, collect.reproduced_values(run.read, known))
table, flags = views.reproduction_view(values)
save_table(table, "tbl-reproduksi-nilai", out_dir=out, lang=lang, flags=flags, decimals=3,
           note="Toleransi: setengah satuan digit terakhir yang dicetak. Sel ditandai: tidak sesuai. Nilai hitung ulang berasal dari data rekonstruksi.")

# %%
display(Markdown(text.status_sentence(values["status"], "nilai", lang)))

# %%
#| label: tbl-reproduksi-kesimpulan
#| tbl-cap: "Kesimpulan terbitan dan kesimpulan hasil hitung ulang"
results = pub.conclusion_results(**collect.conclusion_inputs(run.read), alpha_difference=alpha_difference)
conclusions = pub.compare_conclusions(published, results, {"correlation": alpha_correlation, "difference": alpha_difference}, lang)
table, flags = views.conclusion_view(conclusions)
save_table(table, "tbl-reproduksi-kesimpulan", out_dir=out, lang=lang, flags=flags,
           note="Kesimpulan bertanda 'tersirat' dibaca dari apa yang tidak disebut sumber. Hasil hitung ulang berasal dari data rekonstruksi.")

# %%
display(Markdown(text.status_sentence(conclusions["status"], "kesimpulan", lang)))
display(Markdown(text.construction_note(published, lang, data_kind(resolve(data_dir)))))
