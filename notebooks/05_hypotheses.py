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
# # Uji hipotesis: hubungan karakteristik dan perbedaan tingkat kinerja
#
# Bab ini menguji hipotesis tesis: hubungan karakteristik pendamping (X1-X7) dengan tingkat
# kinerja (Y) dengan korelasi Rank Spearman (Tabel 29, gabungan dan per peran), perbedaan kinerja PDP dan PLD dengan Kruskal-Wallis dan Mann-Whitney
# (Tabel 30), dan perbedaan kinerja menurut status desa per peran dengan rata-rata ranking
# (Tabel 31-35). Sebagai tambahan, uji lanjut Dunn (koreksi Holm) dan koreksi perbandingan
# berganda Holm dan Benjamini-Hochberg ditampilkan. Semua skor adalah **data rekonstruksi**.
#
# Korelasi Rank Spearman disajikan pada @tbl-spearman, uji beda PDP dan PLD pada @tbl-beda-peran, uji menurut status desa pada @tbl-kw-status-pdp dan @tbl-kw-status-pld (lihat juga @fig-kinerja-status), uji lanjut Dunn pada @tbl-dunn-status, dan nilai p terkoreksi pada @tbl-p-koreksi.

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
from p3md.stats import hypothesis, pvalues

cb = load_codebook(resolve(codebook_path), data_dir=resolve(data_dir))  # design.yaml kabupaten bila ada
run = stage_folders("hypotheses", out_dir)  # out_dir None: baca reports/, tulis ke scratch/
out = run.write
display(Markdown(text.reconstruction_notice(lang)))
display(Markdown(text.parameters_sentence(
    {"alpha_correlation": alpha_correlation, "alpha_difference": alpha_difference}, lang)))
if run.by_hand:
    display(Markdown(text.hand_run_notice(run, lang)))

# %%
fac = pd.read_csv(run.read / "derived" / "facilitators_scored.csv")
village = pd.read_csv(run.read / "derived" / "village_ratings_scored.csv")
village["status_rank"] = village["status"].map({s: d.rank for s, d in cb.statuses.items()})
names = views.variable_labels(cb)
x_vars = [v for v, d in cb.variables.items() if d.group == "X"]
y_vars = [v for v, d in cb.variables.items() if d.group == "Y"]
statuses = cb.status_order

# %% [markdown]
# ## Hubungan karakteristik dengan tingkat kinerja

# %%
#| label: tbl-spearman
#| tbl-cap: "Hasil analisis karakteristik Pendamping Desa dengan tingkat kinerja Pendamping Desa (Rank Spearman, gabungan dan per peran) (Tabel 29 tesis)"
spearman = hypothesis.spearman_table(fac, x_vars, "Y", by="role", alpha=alpha_correlation, p_method=p_method, max_missing_share=max_missing_share)
save_table(views.spearman_view(spearman, names), "tbl-spearman", out_dir=out, lang=lang,
           note="rs: koefisien Rank Spearman; p dua sisi dengan metodenya per kolom (asimtotik: distribusi t, seperti Sig. (2-tailed) SPSS; "
                f"p eksak hanya untuk n ≤ 9 tanpa ranking kembar). Keputusan pada α = {text.num(alpha_correlation, 2, lang)}. "
                + pvalues.decision_sentence(p_method, lang))

# %%
pooled = spearman[spearman["group"] == "all"]
display(Markdown(text.count_significant_sentence(
    pooled.loc[pooled["significant"], "x"].tolist(), alpha_correlation,
    kind="berhubungan nyata dengan" if lang == "id" else "related to",
    target="tingkat kinerja (Y)" if lang == "id" else "performance (Y)", lang=lang)))

# %% [markdown]
# ## Perbedaan tingkat kinerja PDP dan PLD

# %%
#| label: tbl-beda-peran
#| tbl-cap: "Hasil uji perbedaan tingkat kinerja PDP dan PLD di Kabupaten Pesawaran (Kruskal-Wallis dan Mann-Whitney) (Tabel 30 tesis)"
group_args = dict(alpha=alpha_difference, min_group_size=min_group_size, p_method=p_method, max_missing_share=max_missing_share)
kw_role = hypothesis.kruskal_table(fac, "role", y_vars, **group_args)
mw_role = hypothesis.mann_whitney_table(fac, "role", y_vars, order=list(views.ROLE_ORDER), **group_args)
save_table(views.difference_view(kw_role, mw_role, names), "tbl-beda-peran", out_dir=out, lang=lang,
           note=" ".join(filter(None, [
               "ε²: ukuran efek Kruskal-Wallis (H / (n - 1)); r rank-biserial positif bila PDP cenderung lebih tinggi.",
               "p asimtotik Mann-Whitney tanpa koreksi kontinuitas (Asymp. Sig. SPSS); p eksak seperti Exact Sig. SPSS, "
               "bersyarat pada ranking kembar bila ada.", pvalues.decision_sentence(p_method, lang),
               hypothesis.small_group_note([kw_role, mw_role], lang)])))

# %%
y_row = kw_role[kw_role["outcome"] == "Y"].iloc[0]
display(Markdown(text.decision_sentence(
    "tingkat kinerja PDP dan PLD" if lang == "id" else "in performance between PDP and PLD",
    y_row["p"], alpha_difference, statistic=f"H = {text.num(y_row['H'], 3, lang)}", kind="perbedaan",
    method=pvalues.method_label(y_row["p_method"], lang), lang=lang)))

# %% [markdown]
# ## Tingkat kinerja menurut status desa

# %%
kw_status = {r: hypothesis.kruskal_table(village[village["role"] == r], "status", y_vars, **group_args)
             for r in views.ROLE_ORDER}

# %%
#| label: tbl-ranking-status-pdp
#| tbl-cap: "Rata-rata ranking tingkat kinerja PDP menurut tingkat kemajuan dan kemandirian desa (Tabel 31 tesis)"
save_table(views.mean_rank_view(kw_status["PDP"], statuses, names), "tbl-ranking-status-pdp", out_dir=out, lang=lang,
           note="Satuan analisis: penilaian perangkat desa (desa sampel) terhadap pendamping; Y3 dan Y4 dari Tenaga Ahli.")

# %%
#| label: tbl-ranking-status-pld
#| tbl-cap: "Rata-rata ranking tingkat kinerja PLD menurut tingkat kemajuan dan kemandirian desa (Tabel 32 tesis)"
save_table(views.mean_rank_view(kw_status["PLD"], statuses, names), "tbl-ranking-status-pld", out_dir=out, lang=lang,
           note="Satuan analisis: penilaian perangkat desa (desa sampel) terhadap pendamping; Y3 dan Y4 dari Tenaga Ahli.")

# %%
#| label: tbl-kw-status-pdp
#| tbl-cap: "Hasil uji perbedaan tingkat kinerja PDP pada tingkat kemajuan dan kemandirian desa di Kabupaten Pesawaran (Tabel 33 tesis)"
save_table(views.kruskal_view(kw_status["PDP"], names), "tbl-kw-status-pdp", out_dir=out, lang=lang,
           note=" ".join(filter(None, [pvalues.decision_sentence(p_method, lang), "Kruskal-Wallis tidak memiliki p eksak di sini.",
                                       hypothesis.small_group_note([kw_status["PDP"]], lang)])))

# %%
#| label: tbl-kw-status-pld
#| tbl-cap: "Hasil uji perbedaan tingkat kinerja PLD pada tingkat kemajuan dan kemandirian desa di Kabupaten Pesawaran (Tabel 34 tesis)"
save_table(views.kruskal_view(kw_status["PLD"], names), "tbl-kw-status-pld", out_dir=out, lang=lang,
           note=" ".join(filter(None, ["Judul Tabel 34 dalam tesis tertulis \"PDP\"; isinya kinerja PLD.",
                                       pvalues.decision_sentence(p_method, lang), "Kruskal-Wallis tidak memiliki p eksak di sini.",
                                       hypothesis.small_group_note([kw_status["PLD"]], lang)])))

# %%
#| label: tbl-sebaran-status
#| tbl-cap: "Sebaran tingkat kinerja PLD dan PDP menurut tingkat kemajuan dan kemandirian desa (Tabel 35 tesis)"
save_table(views.status_category_view(village, cb, "Y", statuses), "tbl-sebaran-status", out_dir=out, lang=lang)

# %%
#| label: tbl-kw-status-gabungan
#| tbl-cap: "Uji Kruskal-Wallis tingkat kinerja menurut status desa (PDP dan PLD digabung) dan korelasi Spearman peringkat status dengan kinerja"
kw_status_all = hypothesis.kruskal_table(village, "status", ["Y"], **group_args)
sp_status = hypothesis.spearman_table(village, ["status_rank"], "Y", alpha=alpha_correlation, p_method=p_method, max_missing_share=max_missing_share)
save_table(views.status_pooled_view(kw_status_all, sp_status), "tbl-kw-status-gabungan", out_dir=out, lang=lang,
           note=" ".join(filter(None, ["Peringkat status: 1 Tertinggal, 2 Berkembang, 3 Maju, 4 Mandiri (buku kode). Menguji Kesimpulan 4 tesis.",
                                       pvalues.decision_sentence(p_method, lang), hypothesis.small_group_note([kw_status_all], lang)])))

# %%
#| label: fig-kinerja-status
#| fig-cap: "Skor tingkat kinerja Pendamping Desa menurut status desa dan peran"
save_figure(figures.plot_scores_by_status(village, "Y", status_order=statuses), "fig-kinerja-status", out)

# %% [markdown]
# ## Uji lanjut dan koreksi perbandingan berganda

# %%
#| label: tbl-dunn-status
#| tbl-cap: "Uji lanjut Dunn (koreksi Holm) antarstatus desa per peran"
dunn = pd.concat([hypothesis.dunn_table(village[village["role"] == r], "status", "Y", "holm", alpha_difference,
                                        min_group_size=min_group_size, max_missing_share=max_missing_share).assign(role=r)
                  for r in views.ROLE_ORDER], ignore_index=True)
save_table(views.dunn_view(dunn), "tbl-dunn-status", out_dir=out, lang=lang,
           note=" ".join(filter(None, ["p Dunn: pendekatan normal (asimtotik) tanpa koreksi kontinuitas, dengan koreksi ranking kembar.",
                                       hypothesis.small_group_note([dunn], lang)])))

# %%
#| label: tbl-p-koreksi
#| tbl-cap: "Nilai p uji hipotesis sebelum dan sesudah koreksi perbandingan berganda (Holm dan Benjamini-Hochberg)"
families = views.test_families(spearman, kw_role, kw_status, alpha_correlation, alpha_difference)
adjusted = pd.concat([hypothesis.adjust_pvalues(f["p"], alpha=f["alpha"].iloc[0]).join(f[["family", "test", "alpha", "p_method"]])
                      for f in families], ignore_index=True)
save_table(views.adjusted_view(adjusted), "tbl-p-koreksi", out_dir=out, lang=lang,
           note="Koreksi dilakukan per kelompok uji (korelasi pada α korelasi; uji beda pada α beda). "
                + pvalues.decision_sentence(p_method, lang))

# %%
display(Markdown(text.adjustment_sentence(adjusted.loc[adjusted["decision_changes"], "test"].tolist(), lang=lang)))
