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
# # Uji hipotesis: hubungan karakteristik dan perbedaan hasil
#
# Bab ini menguji hipotesis yang dinyatakan buku kode (`analysis:`): hubungan setiap
# karakteristik dengan variabel hasil dengan korelasi Rank Spearman (gabungan dan per
# kelompok), perbedaan hasil antarkelompok dengan Kruskal-Wallis (dan Mann-Whitney bila ada dua
# kelompok), dan perbedaan hasil menurut status desa per kelompok dengan rata-rata ranking.
# Sebagai tambahan, uji lanjut Dunn (koreksi Holm) dan koreksi perbandingan berganda Holm dan
# Benjamini-Hochberg ditampilkan.
#
# Korelasi Rank Spearman disajikan pada @tbl-spearman, uji beda antarkelompok pada @tbl-beda-peran, uji lanjut Dunn pada @tbl-dunn-status, dan nilai p terkoreksi pada @tbl-p-koreksi.

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
import pandas as pd
from IPython.display import Markdown, display

from p3md.codebook import load_codebook
from p3md.codebook.provenance import data_notice
from p3md.paths import resolve, stage_folders
from p3md.reporting import figures, save_figure, text, views
from p3md.reporting import study_text as st
from p3md.reporting.floats import label_for, show_table
from p3md.stats import hypothesis, pvalues

cb = load_codebook(resolve(codebook_path), data_dir=resolve(data_dir))  # design.yaml kabupaten bila ada
run = stage_folders("hypotheses", out_dir)  # out_dir None: baca reports/, tulis ke scratch/
out = run.write
layer = st.load_layer(resolve(published_path))  # angka terbitan (lapisan reproduksi) bila ada
display(Markdown(data_notice(resolve(data_dir), lang)))
display(Markdown(text.parameters_sentence(
    {"alpha_correlation": alpha_correlation, "alpha_difference": alpha_difference}, lang)))
if run.by_hand:
    display(Markdown(text.hand_run_notice(run, lang)))

# %%
fac = pd.read_csv(run.read / "derived" / "facilitators_scored.csv")
village = pd.read_csv(run.read / "derived" / "village_ratings_scored.csv")
village["status_rank"] = village["status"].map({s: d.rank for s, d in cb.statuses.items()})
names = views.variable_labels(cb)
x_vars, y_targets = cb.correlation_pairs  # hipotesis hubungan: buku kode, analysis.correlations
outcome = cb.outcome
groups = cb.groups
statuses = cb.status_order
outcome_words = f"{st.name(cb, outcome, lang)} ({outcome})"

# %% [markdown]
# ## Hubungan karakteristik dengan hasil

# %%
spearman = pd.concat([hypothesis.spearman_table(fac, x_vars, y, by="role", alpha=alpha_correlation, p_method=p_method, max_missing_share=max_missing_share)
                      for y in y_targets], ignore_index=True)
show_table(views.spearman_view(spearman, names, ("all", *groups)), "tbl-spearman",
           st.caption("spearman", cb, "tbl-spearman", layer, lang, outcome=st.outcomes_phrase(cb, y_targets, lang)),
           out_dir=out, lang=lang,
           note="rs: koefisien Rank Spearman; p dua sisi dengan metodenya per kolom (asimtotik: distribusi t, seperti Sig. (2-tailed) SPSS; "
                f"p eksak hanya untuk n ≤ 9 tanpa ranking kembar). Keputusan pada α = {text.num(alpha_correlation, 2, lang)}. "
                + pvalues.decision_sentence(p_method, lang) + " " + st.left_out_note(fac, [*x_vars, *y_targets], max_missing_share, lang))

# %%
pooled = spearman[spearman["group"] == "all"]
display(Markdown(text.count_significant_sentence(
    pooled.loc[pooled["significant"], "x"].tolist(), alpha_correlation,
    kind="berhubungan nyata dengan" if lang == "id" else "related to",
    target=st.outcomes_phrase(cb, y_targets, lang), lang=lang)))

# %% [markdown]
# ## Perbedaan hasil antarkelompok

# %%
group_args = dict(alpha=alpha_difference, min_group_size=min_group_size, p_method=p_method, max_missing_share=max_missing_share)
outcomes = cb.group_outcomes  # hipotesis beda: buku kode, analysis.group_differences
kw_role = hypothesis.kruskal_table(fac, "role", outcomes, **group_args)
two = len(groups) == 2  # Mann-Whitney and its rank-biserial r only for two groups
mw_role = hypothesis.mann_whitney_table(fac, "role", outcomes, order=groups, **group_args) if two else None
tests = "Kruskal-Wallis dan Mann-Whitney" if two else "Kruskal-Wallis"
show_table(views.difference_view(kw_role, mw_role, names), "tbl-beda-peran",
           st.caption("groups", cb, "tbl-beda-peran", layer, lang, outcomes=st.outcomes_phrase(cb, outcomes, lang), tests=tests),
           out_dir=out, lang=lang,
           note=" ".join(filter(None, [
               "ε²: ukuran efek Kruskal-Wallis (H / (n - 1))" + (f"; r rank-biserial positif bila {groups[0]} cenderung lebih tinggi." if two else "."),
               "p asimtotik Mann-Whitney tanpa koreksi kontinuitas (Asymp. Sig. SPSS); p eksak seperti Exact Sig. SPSS, "
               "bersyarat pada ranking kembar bila ada." if two else None, pvalues.decision_sentence(p_method, lang),
               hypothesis.small_group_note([t for t in (kw_role, mw_role) if t is not None], lang),
               st.left_out_note(fac, outcomes, max_missing_share, lang)])))

# %%
if outcome in set(kw_role["outcome"]):
    y_row = kw_role[kw_role["outcome"] == outcome].iloc[0]
    display(Markdown(text.decision_sentence(
        f"{outcome_words} antar{cb.meta.group_word['id']} ({st.join(groups, lang)})" if lang == "id" else f"in {outcome_words} between {st.join(groups, lang)}",
        y_row["p"], alpha_difference, statistic=f"H = {text.num(y_row['H'], 3, lang)}", kind="perbedaan",
        method=pvalues.method_label(y_row["p_method"], lang), lang=lang)))

# %% [markdown]
# ## Hasil menurut status desa

# %%
status_outcomes = cb.status_outcomes  # buku kode, analysis.status_differences ([] = tanpa analisis status)
kw_status = {r: hypothesis.kruskal_table(village[village["role"] == r], "status", status_outcomes, **group_args)
             for r in groups} if status_outcomes else {}
unit = (f"Satuan analisis: penilaian {cb.raters.get('official', '').split(' (')[0].lower()} (desa sampel) terhadap {cb.meta.respondents['id']}"
        + "".join(f"; {st.join(vs, lang)} dari {cb.raters[r].split(' (')[0]}" for r, vs in
                  {r: [v for v in status_outcomes if cb.variables[v].rater == r] for r in cb.raters if r not in ("official", "facilitator")}.items() if vs)
        + ".")
for r, kw in kw_status.items():
    label = label_for("tbl-ranking-status", r)
    show_table(views.mean_rank_view(kw, statuses, names), label,
               st.caption("status_rank", cb, label, layer, lang, outcomes=st.outcomes_phrase(cb, status_outcomes, lang), group=r),
               out_dir=out, lang=lang, note=" ".join([unit, st.left_out_note(village[village["role"] == r], status_outcomes, max_missing_share, lang)]))
for r, kw in kw_status.items():
    label = label_for("tbl-kw-status", r)
    show_table(views.kruskal_view(kw, names), label,
               st.caption("status_kw", cb, label, layer, lang, outcomes=st.outcomes_phrase(cb, status_outcomes, lang), group=r),
               out_dir=out, lang=lang,
               note=" ".join(filter(None, [st.thesis_note(label, cb, layer), pvalues.decision_sentence(p_method, lang),
                                           "Kruskal-Wallis tidak memiliki p eksak di sini.", hypothesis.small_group_note([kw], lang)])))

# %%
if status_outcomes:
    show_table(views.status_category_view(village, cb, outcome, statuses, groups), "tbl-sebaran-status",
               st.caption("status_categories", cb, "tbl-sebaran-status", layer, lang, name=outcome_words), out_dir=out, lang=lang,
               decimals=1, note=text.percent_note(lang))

# %%
if status_outcomes:
    kw_status_all = hypothesis.kruskal_table(village, "status", [outcome], **group_args)
    sp_status = hypothesis.spearman_table(village, ["status_rank"], outcome, alpha=alpha_correlation, p_method=p_method, max_missing_share=max_missing_share)
    ranks = ", ".join(f"{d.rank} {s}" for s, d in sorted(cb.statuses.items(), key=lambda kv: kv[1].rank))
    show_table(views.status_pooled_view(kw_status_all, sp_status), "tbl-kw-status-gabungan",
               f"Uji Kruskal-Wallis {outcome_words} menurut status desa ({st.join(groups, lang)} digabung) dan korelasi Spearman peringkat status dengan {outcome}",
               out_dir=out, lang=lang,
               note=" ".join(filter(None, [f"Peringkat status: {ranks} (buku kode).", st.thesis_note("tbl-kw-status-gabungan", cb, layer),
                                           pvalues.decision_sentence(p_method, lang), hypothesis.small_group_note([kw_status_all], lang)])))

# %%
#| label: fig-kinerja-status
#| fig-cap: "Skor total variabel hasil utama menurut status desa dan kelompok"
#| fig-alt: "Diagram kotak skor total variabel hasil utama menurut status desa, dari yang paling tertinggal ke yang paling mandiri, terpisah untuk setiap kelompok"
save_figure(figures.plot_scores_by_status(village, outcome, status_order=statuses, ylabel=outcome_words), "fig-kinerja-status", out)

# %% [markdown]
# ## Uji lanjut dan koreksi perbandingan berganda

# %%
dunn_by = "status" if status_outcomes else "role"
dunn_frames = ([village[village["role"] == r].assign(_g=r) for r in groups] if status_outcomes else [fac.assign(_g="all")])
dunn = pd.concat([hypothesis.dunn_table(d, dunn_by, outcome, "holm", alpha_difference,
                                        min_group_size=min_group_size, max_missing_share=max_missing_share).assign(role=d["_g"].iloc[0])
                  for d in dunn_frames], ignore_index=True)
show_table(views.dunn_view(dunn), "tbl-dunn-status",
           f"Uji lanjut Dunn (koreksi Holm) {outcome_words} antar{'status desa per kelompok' if status_outcomes else 'kelompok'}",
           out_dir=out, lang=lang,
           note=" ".join(filter(None, ["p Dunn: pendekatan normal (asimtotik) tanpa koreksi kontinuitas, dengan koreksi ranking kembar.",
                                       hypothesis.small_group_note([dunn], lang)])))

# %%
numbers = {lab: st.thesis_number(lab, cb, layer) for lab in ["tbl-spearman", "tbl-beda-peran", *[label_for("tbl-kw-status", r) for r in kw_status]]}
diff_numbers = sorted(n for lab, n in numbers.items() if n and lab != "tbl-spearman")
families = (f"Korelasi (Tabel {numbers['tbl-spearman']})" if numbers["tbl-spearman"] else "Korelasi",
            f"Uji beda (Tabel {diff_numbers[0]}-{diff_numbers[-1]})" if len(diff_numbers) > 1 else "Uji beda")
families = views.test_families(spearman, kw_role, kw_status, alpha_correlation, alpha_difference, families)
adjusted = pd.concat([hypothesis.adjust_pvalues(f["p"], alpha=f["alpha"].iloc[0]).join(f[["family", "test", "alpha", "p_method"]])
                      for f in families], ignore_index=True)
show_table(views.adjusted_view(adjusted), "tbl-p-koreksi",
           "Nilai p uji hipotesis sebelum dan sesudah koreksi perbandingan berganda (Holm dan Benjamini-Hochberg)",
           out_dir=out, lang=lang,
           note="Koreksi dilakukan per kelompok uji (korelasi pada α korelasi; uji beda pada α beda). "
                + pvalues.decision_sentence(p_method, lang))

# %%
display(Markdown(text.adjustment_sentence(adjusted.loc[adjusted["decision_changes"], "test"].tolist(), lang=lang)))
