"""Parameters of the latent-variable model behind the reconstruction, and the published targets.

Each facilitator has a performance trait ``theta`` (role mean + spread). Characteristics
X2, X4, X5, X6, X7 load on ``theta`` (the thesis finds them related to performance) while X1 and
X3 do not (the thesis finds them unrelated). Village officials see ``theta`` shifted by the
village's development status (the thesis finds performance rising with status) and by their own
leniency; the district expert sees ``theta`` directly. Every item score is the latent value plus
item noise, cut at two thresholds into 1..3. The values below were chosen so that, on the
expected data, PLD land in Baik and PDP in Kurang baik and the associations have the published
signs and significance; the seed search in :mod:`p3md.reconstruction.calibration` then picks the
first draw on which every published conclusion holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ModelParams:
    theta_mean: dict[str, float] = field(default_factory=lambda: {"PLD": 1.0, "PDP": 0.0})
    theta_sd: float = 0.5
    #: Loading of each X variable's latent on standardised theta (0 = unrelated).
    loading: dict[str, float] = field(
        default_factory=lambda: {
            "X1": 0.0,
            "X2": 0.6,
            "X3": 0.0,
            "X4": 0.6,
            "X5": 0.65,
            "X6": 0.6,
            "X7": 0.6,
        }
    )
    x_noise: float = 0.8  # item noise around the variable latent (survey)
    x_cuts: tuple[float, float] = (-0.8, 0.5)
    x1_cuts: tuple[float, float] = (-1.5, -0.3)  # most facilitators hold a degree
    item_offset_sd: float = 0.3  # fixed per-item difficulty
    y_noise: float = 1.0
    y_cuts: tuple[float, float] = (-0.6, 0.4)
    #: Shift of official ratings by village status (Tertinggal .. Mandiri).
    status_shift: dict[str, float] = field(
        default_factory=lambda: {"Tertinggal": -1.0, "Berkembang": 0.0, "Maju": 0.8, "Mandiri": 1.4}
    )
    official_leniency_sd: float = 0.3
    km_item_sd: float = 0.25  # spread of the 3 village distances, as a share of the band width
    #: Pilot: stronger item loadings (the thesis's item-total r run to 0.978).
    pilot_noise: float = 0.7
    pilot_roles: dict[str, int] = field(default_factory=lambda: {"PDP": 14, "PLD": 16})


#: Published Wioi figures the reconstruction aims at (article 000_*, "Hasil Pre-Test dan
#: Post-Test" and "Peningkatan Kepuasan Masyarakat"). Shares are converted to the nearest
#: achievable count in code (see :mod:`p3md.reconstruction.wioi`).
WIOI_TARGETS = {
    "mean": {"pre": 62.3, "post": 84.7},
    "aspect_pass_share": {
        "pre": {"administrasi": 0.58, "sop": 0.50, "komunikasi": 0.65},
        "post": {"administrasi": 0.87, "sop": 0.90, "komunikasi": 0.88},
    },
    "satisfied_share": {"before": 0.65, "after": 0.82},
}
