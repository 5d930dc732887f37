"""French display labels for codes used in the evidence stage."""

PILOT_LABELS = {"icarius": "Icarius (UCM)", "liantis": "Liantis", "acerta": "Acerta"}
COMPONENT_LABELS = {
    "programme": "Programme", "survey": "Enquête", "website_newsletter": "Site et newsletter",
    "linkedin": "LinkedIn", "events": "Événements", "app": "Application", "accompaniment": "Accompagnement",
}
GROUP_LABELS = {
    "bruxelles": "Bruxelles", "flandre": "Flandre", "wallonie": "Wallonie",
    "homme": "Hommes", "femme": "Femmes",
    "main": "À titre principal", "complementary": "À titre complémentaire", "after_pension": "Après la pension",
    "profession_liberale": "Professions libérales", "commerce": "Commerce", "industrie": "Industrie et artisanat",
    "autre": "Autres secteurs",
    "moins_30": "Moins de 30 ans", "30_39": "30-39 ans", "40_49": "40-49 ans", "50_59": "50-59 ans", "60_plus": "60 ans et plus",
}
