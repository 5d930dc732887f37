"""Two plain-French lines per result, written from the numbers (fr-BE formats via policy_kit.formatting)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from policy_kit import formatting as fmt

from .labels import COMPONENT_LABELS, GROUP_LABELS, PILOT_LABELS


def interval(low: float, high: float, decimals: int = 0) -> str:
    """« entre 11 % et 15 % »"""
    return f"entre {fmt.percent(low, decimals)} et {fmt.percent(high, decimals)}"


def _num(x: float, decimals: int = 2) -> str:
    return fmt.number(round(float(x), decimals) + 0.0, decimals)


def _lines(*lines: str) -> list[str]:
    return [fmt.typography(line) for line in lines]


def comment_prevalence(table: pd.DataFrame, *, synthetic: bool = False) -> list[str]:
    """Headline: burn-out risk with its interval; then the most frequent other difficulty."""
    row = table.set_index("indicator")
    risk = row.loc["burnout_risk"] if "burnout_risk" in row.index else row.iloc[0]
    others = table[table["indicator"] != "burnout_risk"].sort_values("weighted", ascending=False)
    first = (f"Après pondération, {fmt.percent(risk['weighted'])} des indépendants interrogés présentent un "
             f"{risk['label'].lower()} ({interval(risk['weighted_low'], risk['weighted_high'])}, "
             f"sur {fmt.number(risk['n'])} répondants).")
    if synthetic:
        first = "Données synthétiques de démonstration : " + first[0].lower() + first[1:]
    if len(others):
        top = others.iloc[0]
        second = (f"La difficulté la plus fréquente est « {top['label'].lower()} » : "
                  f"{fmt.percent(top['weighted'])} ({interval(top['weighted_low'], top['weighted_high'])}).")
    else:
        second = "Aucun autre indicateur n'a été calculé."
    return _lines(first, second)


def comment_subgroups(table: pd.DataFrame, *, group_labels: dict | None = None, what: str = "le risque de burn-out") -> list[str]:
    """Highest and lowest shown group; says how many groups were hidden for small numbers."""
    labels = GROUP_LABELS if group_labels is None else group_labels
    shown = table[~table["suppressed"]].sort_values("estimate", ascending=False)
    hidden = int(table["suppressed"].sum())
    if len(shown) >= 2:
        hi, lo = shown.iloc[0], shown.iloc[-1]
        overlap = hi["ci_low"] <= lo["ci_high"]
        first = (f"{what[0].upper() + what[1:]} va de {fmt.percent(lo['estimate'])} ({labels.get(lo['group'], lo['group'])}) "
                 f"à {fmt.percent(hi['estimate'])} ({labels.get(hi['group'], hi['group'])}).")
        first += " Les intervalles se recouvrent : l'écart n'est pas établi." if overlap else ""
    elif len(shown) == 1:
        only = shown.iloc[0]
        first = f"Un seul groupe est assez grand pour être montré : {labels.get(only['group'], only['group'])}, {fmt.percent(only['estimate'])}."
    else:
        first = "Aucun groupe n'est assez grand pour être montré."
    small = table["display"][table["suppressed"] & table["display"].str.startswith("n <")]
    marker = small.iloc[0] if len(small) else None
    others = hidden - len(small)
    parts = []
    if marker:
        parts.append(f"{len(small)} groupe{'s' if len(small) > 1 else ''} de moins de {marker.split('<')[1].strip()} répondants "
                     f"{'ne sont pas montrés' if len(small) > 1 else 'n’est pas montré'} (« {marker} »)")
    if others:
        parts.append(f"{others} autre{'s' if others > 1 else ''} groupe{'s' if others > 1 else ''} "
                     f"{'sont masqués' if others > 1 else 'est masqué'} (« masqué ») parce que trop peu de répondants y sont à risque "
                     "ou pour qu'aucun chiffre caché ne puisse se déduire des totaux")
    second = ("; ".join(parts)[0].upper() + "; ".join(parts)[1:] + ", pour protéger l'anonymat et éviter des pourcentages instables."
              if hidden else "Tous les groupes comptent assez de répondants pour être montrés.")
    return _lines(first, second)


def comment_odds_ratios(table: pd.DataFrame) -> list[str]:
    """The strongest factor's reading, then how many factors are clearly associated."""
    strongest = table.iloc[(np.log(table["odds_ratio"])).abs().argmax()]
    clear = table[(table["ci_low"] > 1) | (table["ci_high"] < 1)]
    second = (f"{len(clear)} facteur{'s' if len(clear) > 1 else ''} sur {len(table)} "
              f"{'sont nettement associés' if len(clear) > 1 else 'est nettement associé'} au risque ; "
              f"il s'agit d'associations, pas de causes établies.")
    return _lines(strongest["reading"], second)


def comment_funnels(funnel: pd.DataFrame, component: str = "accompaniment") -> list[str]:
    """Completion for one component across pilots, flagging figures that are not published."""
    rows = funnel[(funnel["component"] == component) & funnel["completed"].notna()]
    name = COMPONENT_LABELS.get(component, component).lower()
    if rows.empty:
        return _lines(f"Aucun chiffre de parcours complet n'est disponible pour « {name} ».",
                      "Les projets pilotes n'ont pas publié ces données.")
    parts = [f"{PILOT_LABELS.get(r.pilot, r.pilot)} {fmt.number(r.completed)}" for r in rows.itertuples()]
    first = f"Parcours « {name} » menés à terme : " + ", ".join(parts) + "."
    not_published = rows[rows["completed_status"] != "published"]
    if len(not_published):
        who = ", ".join(PILOT_LABELS.get(p, p) for p in not_published["pilot"])
        second = f"Chiffres non publiés, donc hypothèses ou valeurs de démonstration : {who}."
    else:
        rate = rows["completion_rate"].dropna()
        second = (f"Entre {fmt.percent(rate.min())} et {fmt.percent(rate.max())} des participants vont au bout."
                  if len(rate) else "Tous ces chiffres sont publiés.")
    return _lines(first, second)


def comment_pooled(pooled, *, what: str = "l'accompagnement", measure: str = "d") -> list[str]:
    """Pooled effect with its interval in words, then heterogeneity and the prediction interval."""
    size = abs(pooled.estimate)
    label = "faible" if size < 0.35 else ("moyenne" if size < 0.65 else "importante")
    direction = "une amélioration" if pooled.estimate > 0 else "une dégradation"
    first = (f"Sur {pooled.k} projets pilotes, {what} est associé à {direction} d'ampleur {label} "
             f"({measure} = {_num(pooled.estimate)}, entre {_num(pooled.ci_low)} et {_num(pooled.ci_high)}).")
    if np.isfinite(pooled.pi_low):
        second = (f"Hétérogénéité I² = {fmt.percent(pooled.i2)} ; dans un nouveau projet, l'effet attendu se situerait "
                  f"entre {_num(pooled.pi_low)} et {_num(pooled.pi_high)}.")
    else:
        second = f"Hétérogénéité I² = {fmt.percent(pooled.i2)} ; trop peu de projets pour un intervalle de prédiction."
    return _lines(first, second)
