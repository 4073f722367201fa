"""What kind of data a data folder holds, as the folder itself declares it.

A generator writes ``provenance.yaml`` next to the files it makes (``data_kind:
reconstruction`` for the thesis's seeded reconstruction, ``synthetic`` for a seeded example
study); a folder without one holds real data. The report's data notice follows this
declaration and nothing else: never a guess from file or folder names.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from p3md.safe_yaml import DataFileError, load_data_yaml

DataKind = Literal["real", "reconstruction", "synthetic"]
PROVENANCE_FILE = "provenance.yaml"
KINDS: tuple[str, ...] = ("real", "reconstruction", "synthetic")

#: The notice each chapter shows for the kind of data (none for real data).
NOTICES: dict[str, dict[str, str]] = {
    "synthetic": {
        "id": (
            "**Catatan.** Data pada bab ini adalah *data sintetis*: jawaban yang dibangkitkan "
            "dengan benih acak tetap dari buku kode studi ini sebagai contoh, bukan jawaban "
            "responden sungguhan. Angka-angkanya menunjukkan cara analisis bekerja, bukan "
            "temuan tentang suatu populasi."
        ),
        "en": (
            "**Note.** The data in this chapter are *synthetic*: answers drawn with a fixed "
            "seed from this study's codebook as an example, not real respondents' answers. "
            "The numbers show how the analysis works, not findings about any population."
        ),
    },
}


#: The data's kind in a table note ("Desa sampel dalam data: ...").
KIND_WORDS: dict[str, dict[str, str]] = {
    "reconstruction": {"id": "data rekonstruksi", "en": "reconstructed data"},
    "synthetic": {"id": "data sintetis", "en": "synthetic data"},
    "real": {"id": "data penelitian", "en": "the study's data"},
}


class ProvenanceError(ValueError):
    """``provenance.yaml`` is unreadable or declares an unknown kind."""


def write_provenance(out_dir: str | Path, kind: DataKind, generator: str) -> Path:
    """Declare the kind of data a generator wrote into ``out_dir``."""
    if kind not in KINDS:
        raise ProvenanceError(f"data_kind must be one of {', '.join(KINDS)}, got {kind!r}")
    path = Path(out_dir) / PROVENANCE_FILE
    text = (
        "# Written by the generator of this folder's data; the report's data notice follows it.\n"
        f"data_kind: {kind}\n"
        f"generator: {generator}\n"
    )
    path.write_text(text, encoding="utf-8")
    return path


def data_kind(data_dir: str | Path) -> DataKind:
    """The kind the folder declares; ``real`` when it declares none."""
    path = Path(data_dir) / PROVENANCE_FILE
    if not path.is_file():
        return "real"
    try:  # the data folder's loader: size and alias limits, no tags, no duplicate keys
        data = load_data_yaml(path, fix="write `data_kind: real` (or the generator's kind)") or {}
    except DataFileError as exc:
        raise ProvenanceError(str(exc)) from None
    kind = data.get("data_kind", "real") if isinstance(data, dict) else None
    if kind not in KINDS:
        raise ProvenanceError(
            f"{path}: data_kind must be one of {', '.join(KINDS)}, got {kind!r}; "
            "write `data_kind: real` for your own data, or delete the file"
        )
    return kind  # type: ignore[return-value]


def kind_words(data_dir: str | Path, lang: str = "id") -> str:
    """The folder's kind of data in words (``data rekonstruksi``, ``data sintetis``...)."""
    return KIND_WORDS[data_kind(data_dir)][lang]
