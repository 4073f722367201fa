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
# # Pelatihan aparatur Desa Wioi: pre-test dan post-test
#
# Bab ini menganalisis ulang artikel pelatihan aparatur Desa Wioi: peserta mengerjakan soal
# pilihan ganda dan satu studi kasus sebelum dan sesudah pendampingan. Artikel hanya
# melaporkan rata-rata pre-test dan post-test dan persentase per aspek tanpa uji statistik; di sini
# dihitung statistik deskriptif, uji normalitas Shapiro-Wilk, uji t berpasangan (t, df, p,
# selang kepercayaan selisih rata-rata, d_z), uji Wilcoxon dengan korelasi rank-biserial,
# N-gain, persentase lulus per aspek dengan uji McNemar eksak, dan uji kepuasan masyarakat.
# Skor dan survei adalah **data rekonstruksi** yang dibuat agar sesuai dengan angka artikel.
#
# Hasil uji berpasangan ada pada @tbl-wioi-uji-berpasangan dan @fig-wioi-berpasangan, kelulusan per aspek pada @tbl-wioi-aspek, dan kepuasan masyarakat pada @tbl-wioi-kepuasan.

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
from p3md.io.readers import read_raw_file
from p3md.codebook.provenance import data_notice
from p3md.paths import resolve, stage_folders
from p3md.reporting import figures, save_figure, save_table, text, views
from p3md.scoring.wioi import score_wioi_satisfaction, score_wioi_tests
from p3md.stats import prepost, pvalues
from p3md.words import word

cb = load_codebook(resolve(codebook_path), data_dir=resolve(data_dir))  # design.yaml kabupaten bila ada
run = stage_folders("wioi", out_dir)  # out_dir None: baca reports/, tulis ke scratch/
out = run.write
display(Markdown(data_notice(resolve(data_dir), lang)))  # data_kind: provenance.yaml
display(Markdown(text.parameters_sentence({"alpha_difference": alpha_difference}, lang)))
if run.by_hand:
    display(Markdown(text.hand_run_notice(run, lang)))

# %%
scores = score_wioi_tests(read_raw_file(resolve(data_dir), cb, "wioi_tests"), cb)
survey = score_wioi_satisfaction(read_raw_file(resolve(data_dir), cb, "wioi_satisfaction"), cb)
wide = views.prepost_wide(scores, "score")
pre, post = wide["pre"], wide["post"]

# %%
#| label: tbl-wioi-deskriptif
#| tbl-cap: "Statistik deskriptif skor pre-test dan post-test aparatur Desa Wioi"
desc = prepost.describe_prepost(pre, post)
save_table(views.prepost_describe_view(desc), "tbl-wioi-deskriptif", out_dir=out, lang=lang, decimals=2,
           note="Skor = 2 × jawaban benar pilihan ganda + skor studi kasus (0-100; pilihan rekonstruksi, lihat buku kode).")

# %%
#| label: tbl-wioi-normalitas
#| tbl-cap: "Uji normalitas Shapiro-Wilk skor pre-test, post-test dan selisihnya"
normal = views.shapiro_frame({"pre": prepost.shapiro_differences(pre * 0, pre, alpha_difference),
                              "post": prepost.shapiro_differences(post * 0, post, alpha_difference),
                              "difference": prepost.shapiro_differences(pre, post, alpha_difference)})
save_table(views.shapiro_view(normal), "tbl-wioi-normalitas", out_dir=out, lang=lang,
           note="Asumsi uji t berpasangan adalah normalitas selisih (baris terakhir).")

# %%
#| label: tbl-wioi-uji-berpasangan
#| tbl-cap: "Uji beda berpasangan pre-test dan post-test (uji t berpasangan dan Wilcoxon)"
t_res = prepost.paired_t(pre, post)
w_res = prepost.wilcoxon_signed_rank(pre, post, p_method=p_method)
save_table(views.paired_view(t_res, w_res, alpha_difference), "tbl-wioi-uji-berpasangan", out_dir=out, lang=lang,
           note="Selisih = post-test - pre-test; IK 95% selisih rata-rata; d_z = rata-rata selisih / SD selisih. "
                "Wilcoxon: p asimtotik tanpa koreksi kontinuitas (Asymp. Sig. SPSS), p eksak seperti Exact Sig. SPSS "
                "(bersyarat pada ranking kembar bila ada). " + pvalues.decision_sentence(p_method, lang))

# %%
display(Markdown(text.decision_sentence(
    "skor pre-test dan post-test" if lang == "id" else "between pre-test and post-test scores",
    float(t_res["p"].iloc[0]), alpha_difference,
    statistic=f"t({text.num(float(t_res['dof'].iloc[0]), 0, lang)}) = {text.num(float(t_res['T'].iloc[0]), 2, lang)}",
    kind="perbedaan", method=pvalues.method_label(t_res["p_method"].iloc[0], lang), lang=lang)))

# %%
#| label: tbl-wioi-ngain
#| tbl-cap: "N-gain peserta pelatihan Desa Wioi menurut kelas (Hake)"
per = prepost.normalized_gain(pre, post, 100, cb.wioi["ngain_classes"])
summary = prepost.ngain_summary(pre, post, 100, cb.wioi["ngain_classes"])
save_table(views.ngain_view(per, summary), "tbl-wioi-ngain", out_dir=out, lang=lang,
           decimals={"%": 1}, note="g = (post - pre) / (100 - pre); kelas Hake (1998): tinggi ≥ 0,7, sedang ≥ 0,3. " + text.percent_note(lang))

# %%
#| label: tbl-wioi-aspek
#| tbl-cap: "Persentase peserta yang lulus per aspek sebelum dan sesudah pelatihan (uji McNemar eksak)"
aspects = {a: prepost.mcnemar_exact(*views.prepost_pass(scores, a)) for a in cb.wioi["aspects"]}
save_table(views.aspect_view(aspects, cb), "tbl-wioi-aspek", out_dir=out, lang=lang, decimals={"Lulus pre-test (%)": 1, "Lulus post-test (%)": 1},
           note="Lulus aspek: minimal 7 dari 10 soal aspek itu benar (pilihan rekonstruksi, buku kode). " + text.percent_note(lang))

# %%
#| label: tbl-wioi-kepuasan
#| tbl-cap: "Kepuasan masyarakat Desa Wioi sebelum dan sesudah pendampingan"
sat = prepost.satisfaction_test(survey, cb.wioi["satisfaction"])
save_table(views.satisfaction_view(sat), "tbl-wioi-kepuasan", out_dir=out, lang=lang,
           decimals={"Puas sebelum (%)": 1, "Puas sesudah (%)": 1, "Selisih (poin %)": 1},
           note="Artikel tidak melaporkan ukuran dan rancangan survei; rekonstruksi: dua sampel bebas 60 rumah tangga (buku kode). " + text.percent_note(lang))

# %%
display(Markdown(text.decision_sentence(
    "kepuasan sebelum dan sesudah pendampingan" if lang == "id" else "in satisfaction before and after",
    float(sat["p"].iloc[0]), alpha_difference, statistic=word(sat["test"].iloc[0], lang), kind="perbedaan",
    method=pvalues.method_label(sat["p_method"].iloc[0], lang), lang=lang)))

# %%
#| label: fig-wioi-berpasangan
#| fig-cap: "Skor pre-test dan post-test setiap peserta pelatihan Desa Wioi"
#| fig-alt: "Satu garis per peserta yang menghubungkan skor pre-test dengan skor post-test"
save_figure(figures.plot_paired_lines(wide.reset_index()), "fig-wioi-berpasangan", out)
