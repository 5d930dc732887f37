"""A realistic French demo memo (synthetic figures) for tests, previews and template work.

``python -m policy_kit.memo.sample OUT_DIR`` writes memo.docx and annex.docx there.
Every number is produced by ``policy_kit.formatting`` from the values in ``RECORDED``, as the
real pipeline does from recorded results, so the checker can match them.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from .. import formatting as fmt
from .content import (
    BulletList,
    DocumentProperties,
    Figure,
    Header,
    KeyFigure,
    KeyMessage,
    MemoContent,
    NumberedList,
    Paragraph,
    Provenance,
    Section,
    Table,
)
from .i18n import demo_banner

# Synthetic results, as a run would record them.
RECORDED = {
    "participants": 1240,
    "survey_n": 812,
    "events": 46,
    "accompaniments": 318,
    "app_users": 2950,
    "prevalence": 0.131,
    "prevalence_low": 0.108,
    "prevalence_high": 0.154,
    "effect": -0.32,
    "effect_low": -0.45,
    "effect_high": -0.19,
    "confidence": 0.95,
    "roi": 2.31,
    "cases_averted_2030": 1130,
    "yearly_cost": 4_210_000,
    "budget_share": 0.009,
    "switch_effect": -0.12,
    "switch_cost": 9_800_000,
}

OPTIONS = [
    # option, yearly cost, reach, cases averted by 2030, net budget impact, return per euro, P(payback)
    ("A – Statu quo (pilote)", 610_000, 1240, 160, -250_000, 1.41, 0.58),
    ("B – Extension à trois provinces", 1_950_000, 7400, 540, 1_320_000, 2.04, 0.81),
    ("C – Programme national", 4_210_000, 18900, 1130, 5_520_000, 2.31, 0.87),
]

SECTORS = [("Construction", 0.16, 0.12, 0.20), ("Commerce", 0.14, 0.11, 0.17), ("Soins", 0.19, 0.15, 0.23),
           ("Services aux entreprises", 0.11, 0.08, 0.14), ("Agriculture", 0.12, 0.08, 0.16)]


def recorded_numbers() -> list[float]:
    numbers = list(RECORDED.values())
    for _, cost, reach, cases, net, roi, prob in OPTIONS:
        numbers += [cost, reach, cases, net, roi, prob]
    for _, p, lo, hi in SECTORS:
        numbers += [p, lo, hi]
    return numbers


def make_figure(path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = [s[0] for s in SECTORS]
    values = [s[1] * 100 for s in SECTORS]
    errors = [[(s[1] - s[2]) * 100 for s in SECTORS], [(s[3] - s[1]) * 100 for s in SECTORS]]
    fig, ax = plt.subplots(figsize=(6.3, 2.6), dpi=200)
    ax.barh(labels, values, xerr=errors, color="#1F3A5F", ecolor="#7F7F7F", capsize=3)
    ax.invert_yaxis()
    ax.set_xlabel("Risque élevé de burn-out (%)")
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)
    return path


def options_table(language: str = "fr") -> pd.DataFrame:
    rows = []
    for name, cost, reach, cases, net, roi, prob in OPTIONS:
        rows.append({
            "Option": name,
            "Coût annuel": fmt.money(cost, language=language),
            "Indépendants touchés": fmt.number(reach, language=language),
            "Cas évités d'ici 2030": fmt.number(cases, language=language),
            "Impact budgétaire net 2025-2030": fmt.money(net, language=language),
            "Retour par euro": fmt.ratio(roi, language=language),
            "Probabilité d'être rentable": fmt.percent(prob, language=language),
        })
    return pd.DataFrame(rows)


def sector_table(language: str = "fr") -> pd.DataFrame:
    return pd.DataFrame([
        {"Secteur": name, "Prévalence": fmt.percent(p, language=language),
         "Borne basse": fmt.percent(lo, language=language), "Borne haute": fmt.percent(hi, language=language)}
        for name, p, lo, hi in SECTORS
    ])


def sample_content(figure_dir: Path) -> MemoContent:
    r, L = RECORDED, "fr"
    n = lambda key: fmt.number(r[key], language=L)  # noqa: E731
    pct = lambda key: fmt.percent(r[key], language=L)  # noqa: E731
    figure = make_figure(Path(figure_dir) / "prevalence_secteur.png")
    sources = [
        "INASTI, Statistiques annuelles des indépendants, 2024.",
        "INAMI, Incapacité primaire et invalidité des indépendants, rapport 2023.",
    ]
    return MemoContent(
        language=L,
        organisation="Union des indépendants – service Études",
        banner=demo_banner(L),
        header=Header(
            to="Bureau exécutif",
            from_="Service Études et prévention",
            date=fmt.date("2026-11-23", L),
            subject="Icarius : étendre la prévention du burn-out aux indépendants ?",
            classification="Usage interne",
        ),
        key_message=KeyMessage(
            sentence=(
                "Nous proposons d'étendre Icarius à l'échelle nationale : chaque euro investi en rapporte "
                f"{fmt.ratio(r['roi'], language=L)} d'ici 2030."
            ),
            figures=[
                KeyFigure("retour par euro investi", fmt.ratio(r["roi"], language=L) + "\u00a0€", "période 2025-2030"),
                KeyFigure("cas d'incapacité évités", n("cases_averted_2030"), "cumul d'ici 2030"),
                KeyFigure("coût annuel", fmt.money(r["yearly_cost"], language=L),
                          f"soit {fmt.percent(r['budget_share'], 1, L)} du budget 2026"),
            ],
        ),
        sections=[
            Section("Contexte", 1, [
                Paragraph(
                    f"Le pilote Icarius a touché {n('participants')} indépendants en 2025 : {n('events')} "
                    f"événements, {n('accompaniments')} accompagnements individuels et {n('app_users')} "
                    f"utilisateurs de l'application. L'enquête compte {n('survey_n')} répondants.[^1]",
                    footnotes=[sources[0]],
                ),
            ]),
            Section("Ce que disent les données", 1, [
                Paragraph(
                    f"Entre {pct('prevalence_low')} et {pct('prevalence_high')} des indépendants interrogés "
                    f"présentent un risque élevé de burn-out (estimation centrale {pct('prevalence')}, "
                    f"intervalle à {pct('confidence')}). Les soins sont le secteur le plus touché ([@fig:secteurs]).",
                ),
                Figure(figure, "Risque élevé de burn-out par secteur, 2025",
                       alt_text="Barres horizontales : part des indépendants à risque élevé de burn-out par "
                                "secteur, de 11 % (services aux entreprises) à 19 % (soins), avec intervalles.",
                       key="fig:secteurs", width_cm=15.5,
                       note="Source : enquête Icarius 2025, données de démonstration."),
                Paragraph(
                    "L'accompagnement réduit le score d'épuisement de "
                    f"{fmt.number(abs(r['effect']), 2, L)} écart-type (entre {fmt.number(abs(r['effect_high']), 2, L)} "
                    f"et {fmt.number(abs(r['effect_low']), 2, L)}) ; l'effet est cohérent d'une étude à l'autre.[^1]",
                    footnotes=[sources[1]],
                ),
            ]),
            Section("Options", 1, [
                Paragraph("Le [@tab:options] compare trois options sur la période 2025-2030."),
                Table(options_table(L), "Options chiffrées, 2025-2030", key="tab:options",
                      note="Montants en euros courants ; impact net = dépenses évitées moins coût du programme."),
            ]),
            Section("Ce qui changerait la décision", 1, [
                Paragraph(
                    "L'option C cesse d'être rentable si l'effet tombe sous "
                    f"{fmt.number(abs(r['switch_effect']), 2, L)} écart-type, ou si son coût annuel dépasse "
                    f"{fmt.money(r['switch_cost'], language=L)}. Ces seuils sont loin des valeurs observées."
                ),
            ]),
            Section("Nos demandes pour le mémorandum", 1, [
                NumberedList([
                    f"Financer un programme national de prévention : {fmt.money(r['yearly_cost'], language=L)} par an.",
                    f"Ouvrir l'accompagnement aux indépendants à titre complémentaire : {n('cases_averted_2030')} cas évités.",
                    "Inscrire le burn-out dans le suivi de l'incapacité primaire par l'INAMI.",
                ]),
            ]),
            Section("Sources et méthode", 1, [
                Paragraph(
                    "Enquête Icarius 2025 (n = 812), registres INASTI et INAMI, méta-analyse de 7 études. "
                    "Méthode, hypothèses et valeurs exactes : voir l'annexe technique, version 0.1.0.",
                ),
                BulletList(["Calculs : run 2026-11-20-a41c, paramètres « base.yaml »."]),
            ], provenance=True),
        ],
        properties=DocumentProperties(
            title="Icarius : prévention du burn-out des indépendants",
            author="Service Études et prévention",
            subject="Note au Bureau exécutif",
            keywords=["Icarius", "burn-out", "indépendants", "prévention"],
        ),
        provenance=Provenance(
            run_id="2026-11-20-a41c",
            params_hash="sha256:5f1c0a9e",
            data_hashes={"survey.csv": "sha256:ab12cd34", "registry.parquet": "sha256:9e8f7a6b"},
            git_commit="3b9e2f1",
            package_version="0.1.0",
        ),
    )


def annex_content(figure_dir: Path) -> MemoContent:
    content = sample_content(figure_dir)
    content.key_message = None
    content.title = "Annexe technique"
    content.sections = [
        Section("Données", 1, [Paragraph("Les données de l'enquête et des registres sont décrites ci-dessous.")]),
        Section("Prévalence par secteur", 2, [
            Table(sector_table(), "Prévalence du risque élevé de burn-out par secteur, 2025", key="tab:secteurs"),
        ]),
        Section("Méthode", 2, [Paragraph("Modèle à effets aléatoires ; analyse de sensibilité probabiliste.")]),
        Section("Hypothèses économiques", 3, [Paragraph("Coûts en euros courants ; actualisation selon le SPF.")]),
        Section("Options", 1, [Table(options_table(), "Options chiffrées, 2025-2030", key="tab:options")]),
    ]
    return content


def main(out_dir: str) -> None:
    from .render import render, render_annex

    out = Path(out_dir)
    print(render(sample_content(out), out / "memo.docx"))
    print(render_annex(annex_content(out), out / "annex.docx"))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".")
