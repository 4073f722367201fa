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
# # Penskoran jawaban dan sebaran modus
#
# Bab ini membaca semua berkas data mentah survei, mengubah jawaban menjadi skor butir menurut
# buku kode (kode pilihan skala, pita untuk jawaban berupa hitungan dan jarak, skor terbalik
# (min + maks) - kode untuk butir negatif), menggabungkan penilaian beberapa penilai di desa
# menjadi satu skor per responden (median per butir, dibulatkan setengah ke atas), lalu
# menjumlahkan skor total dan kategorinya. Tabel turunan ditulis ke folder `derived/` dan
# dipakai oleh bab-bab berikutnya.
#
# Jumlah responden dan penilaian ada pada @tbl-skoring-peran-kecamatan dan @tbl-skoring-penilai, sebaran modus butir pada @tbl-skoring-modus-x dan @tbl-skoring-modus-y, dan kategori skor total pada @tbl-skoring-kategori.

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
from p3md.io.readers import read_raw_dir
from p3md.pipeline.stages import WIOI_FILES
from p3md.paths import resolve, stage_folders
from p3md.codebook.provenance import data_notice
from p3md.reporting import text, views
from p3md.reporting import study_text as st
from p3md.reporting.floats import show_table
from p3md.scoring import score_study

cb = load_codebook(resolve(codebook_path), data_dir=resolve(data_dir))  # design.yaml kabupaten bila ada
run = stage_folders("scoring", out_dir)  # out_dir None: baca reports/, tulis ke scratch/
out = run.write
display(Markdown(data_notice(resolve(data_dir), lang)))
if run.by_hand:
    display(Markdown(text.hand_run_notice(run, lang)))
words = st.study(cb, lang)
official = cb.raters.get("official", "").split(" (")[0].lower()

# %%
raw = read_raw_dir(resolve(data_dir), cb, optional=WIOI_FILES)  # folder kabupaten: tanpa Wioi
scored = score_study(raw, cb)
written = scored.write(out / "derived", cb)
display(Markdown(text.files_written_sentence([p.name for p in written], "derived/", lang)))

# %%
fac = scored.facilitators_scored
show_table(views.counts_by(fac, "kecamatan", "role", row_name="Kecamatan"), "tbl-skoring-peran-kecamatan",
           f"Jumlah {words['respondents']} menurut {words['group_word']} dan kecamatan", out_dir=out, lang=lang)

# %%
rated = [v for v, d in cb.variables.items() if d.rater == "official"]
show_table(views.counts_by(fac, "n_ratings", "role", row_name=f"Jumlah penilaian per {words['respondents']}"), "tbl-skoring-penilai",
           f"Jumlah penilaian {official} per {words['respondents']} menurut {words['group_word']}", out_dir=out, lang=lang,
           note=f"Skor butir {st.join(rated, lang)} seorang {words['respondents']} adalah median penilaian {official}, dibulatkan setengah ke atas.")

# %% [markdown]
# ## Sebaran modus butir
#
# Untuk setiap butir dan kelompok, tabel berikut menghitung berapa responden yang modus
# (untuk penilaian beberapa penilai di desa) atau skornya (untuk laporan diri dan penilai
# tunggal) jatuh pada setiap pilihan jawaban, seperti "sebaran modus" dalam tesis.

# %%
for part in ("X", "Y"):
    show_table(views.modes_table(scored.modes, cb, part), f"tbl-skoring-modus-{part.lower()}",
               st.caption("modes_group", cb, f"tbl-skoring-modus-{part.lower()}", None, lang, part=st.say(f"part_{part}", lang)),
               out_dir=out, lang=lang, decimals=1, note=text.percent_note(lang))

# %% [markdown]
# ## Kategori skor total

# %%
composites = [f"batas {v} adalah jumlah batas indikator {st.join(d.indicators, lang)}" for v, d in cb.variables.items() if d.indicators]
show_table(views.category_counts(fac, cb, cb.groups), "tbl-skoring-kategori",
           f"Kategori skor total setiap variabel menurut {words['group_word']}", out_dir=out, lang=lang,
           note="Batas kategori menurut buku kode" + (f" ({'; '.join(composites)})." if composites else "."))
