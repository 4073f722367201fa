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
# # Audit konsistensi angka terbitan
#
# Bab ini tidak memakai data sama sekali: ia memeriksa apakah angka-angka yang dicetak tesis
# dan artikel Wioi konsisten satu sama lain (jumlah baris dan kolom tabel, alokasi sampel
# Slovin, r tabel untuk ukuran uji coba yang dicetak, kemungkinan rata-rata dan persentase
# untuk jumlah peserta pelatihan menurut uji GRIM, rasio pendamping, dan rujukan silang antara teks dan tabel). Setiap baris
# menampilkan perhitungannya. Karena audit hanya memakai angka terbitan, hasilnya tidak
# bergantung pada **data rekonstruksi** yang dipakai bab-bab lain.
#
# Setiap inkonsistensi beserta perhitungannya tercantum pada @tbl-audit, ringkasannya pada @tbl-audit-ringkasan.

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
from p3md.paths import resolve, stage_folders
from p3md.reporting import save_table, text, views
from p3md.stats import published as pub
from p3md.stats.audit import audit_published

cb = load_codebook(resolve(codebook_path), data_dir=resolve(data_dir))  # design.yaml kabupaten bila ada
run = stage_folders("audit", out_dir)  # out_dir None: baca reports/, tulis ke scratch/
out = run.write
if run.by_hand:
    display(Markdown(text.hand_run_notice(run, lang)))
audit = audit_published(pub.load_published(resolve(published_path)), cb)

# %%
#| label: tbl-audit
#| tbl-cap: "Inkonsistensi internal angka-angka terbitan"
table, flags = views.audit_view(audit, only_inconsistent=True)
save_table(table, "tbl-audit", out_dir=out, lang=lang, flags=flags,
           note="Hanya pemeriksaan yang tidak konsisten; seluruh pemeriksaan diringkas pada tabel berikut.")

# %%
#| label: tbl-audit-ringkasan
#| tbl-cap: "Ringkasan hasil audit per sumber"
save_table(views.audit_summary(audit), "tbl-audit-ringkasan", out_dir=out, lang=lang)

# %%
display(Markdown(text.audit_sentence(int((~audit["consistent"].astype(bool)).sum()), len(audit), lang)))
