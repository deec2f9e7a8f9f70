import GuichetCore

extension Strings {
    static let award = Localized(fr: "Prix et visites mystère", en: "Award and mystery shopping")
    static let editions = Localized(fr: "Éditions", en: "Editions")
    static let noEdition = Localized(fr: "Aucune édition.", en: "No edition.")
    static let participating = Localized(fr: "Éditions auxquelles vous avez participé", en: "Editions you took part in")
    static let state = Localized(fr: "État", en: "State")
    static let advance = Localized(fr: "Passer à l’étape suivante", en: "Move to the next step")
    static let createEdition = Localized(fr: "Créer une édition", en: "Create an edition")
    static let definitionJSON = Localized(
        fr: "Définition de l’édition (JSON, voir docs/AWARD.md)", en: "Edition definition (JSON, see docs/AWARD.md)")
    static let plan = Localized(fr: "Plan de visites", en: "Test plan")
    static let myAssignments = Localized(fr: "Mes visites", en: "My assignments")
    static let results = Localized(fr: "Résultats", en: "Results")
    static let provisional = Localized(
        fr: "Résultats provisoires : l’édition n’est pas publiée, les entreprises ne les voient pas.",
        en: "Provisional results: the edition is not published, companies cannot see them.")
    static let rank = Localized(fr: "Rang", en: "Rank")
    static let company = Localized(fr: "Entreprise", en: "Company")
    static let mark = Localized(fr: "Note /20", en: "Mark /20")
    static let interval = Localized(fr: "Intervalle à 95 %", en: "95% interval")
    static let probabilityAbove12 = Localized(fr: "P(note > 12)", en: "P(mark > 12)")
    static let winner = Localized(fr: "Élu", en: "Winner")
    static let noWinner = Localized(
        fr: "Pas de lauréat : aucune entreprise ne dépasse 12/20.", en: "No winner: no company is above 12/20.")
    static let notStanding = Localized(
        fr: "Catégorie non retenue : moins de 3 participants éligibles.",
        en: "Category does not stand: fewer than 3 eligible participants.")
    static let statisticalTie = Localized(
        fr: "Égalité statistique entre les deux premiers.", en: "Statistical tie between the first two.")
    static let categoryMean = Localized(fr: "Moyenne de la catégorie", en: "Category mean")
    static let categoryBest = Localized(fr: "Meilleure note de la catégorie", en: "Best in category")
    static let report = Localized(fr: "Rapport", en: "Report")
    static let downloadPDF = Localized(fr: "Télécharger en PDF", en: "Download as PDF")
    static let byChannel = Localized(fr: "Par canal", en: "By channel")
    static let byFamily = Localized(fr: "Par famille de critères", en: "By criterion family")
    static let byCriterion = Localized(fr: "Critère par critère", en: "Criterion by criterion")
    static let strengths = Localized(fr: "Points forts", en: "Strengths")
    static let improvements = Localized(fr: "Axes de progrès", en: "Areas for improvement")
    static let zeros = Localized(fr: "Notes à zéro et leurs causes", en: "Zeroed tests and their causes")
    static let noZero = Localized(fr: "Aucune note à zéro.", en: "No zeroed test.")
    static let gap = Localized(fr: "Écart", en: "Gap")
    static let criterion = Localized(fr: "Critère", en: "Criterion")
    static let test = Localized(fr: "Visite", en: "Test")
    static let when = Localized(fr: "Date et heure", en: "Date and time")
    static let channel = Localized(fr: "Canal", en: "Channel")
    static let scenario = Localized(fr: "Scénario", en: "Scenario")
    static let shopper = Localized(fr: "Client mystère", en: "Shopper")
    static let evaluated = Localized(fr: "Évaluée", en: "Evaluated")
    static let evaluate = Localized(fr: "Évaluer", en: "Evaluate")
    static let yes = Localized(fr: "oui", en: "yes")
    static let no = Localized(fr: "non", en: "no")
    static let evaluationOf = Localized(fr: "Évaluation de la visite %@", en: "Evaluation of test %@")
    static let startedAt = Localized(fr: "Début (heure de Paris)", en: "Start (Paris time)")
    static let ringingSeconds = Localized(fr: "Durée de sonnerie (s)", en: "Ringing time (s)")
    static let takeInChargeSeconds = Localized(fr: "Délai de prise en charge (s)", en: "Time until taken in charge (s)")
    static let saturation = Localized(fr: "Message de saturation", en: "Saturation message")
    static let verbatim = Localized(fr: "Verbatim", en: "Verbatim")
    static let notApplicable = Localized(fr: "N/A", en: "N/A")
    static let save = Localized(fr: "Enregistrer", en: "Save")
    static let saved = Localized(fr: "Évaluation enregistrée.", en: "Evaluation saved.")
    static let fixErrors = Localized(fr: "Corrigez les erreurs ci-dessous.", en: "Please fix the errors below.")
    static let exportMarks = Localized(fr: "Exporter toutes les notes (CSV)", en: "Export all marks (CSV)")
    static let exportPlan = Localized(fr: "Exporter le plan (CSV)", en: "Export the plan (CSV)")
    static let legendBars = Localized(
        fr: "Barre : votre note ; trait : moyenne de la catégorie ; losange : meilleure note ; pointillés : 12/20",
        en: "Bar: your mark; tick: category mean; diamond: best mark; dashed: 12/20")
    static let importEvaluations = Localized(fr: "Importer des évaluations", en: "Import evaluations")
    static let importCSVLabel = Localized(
        fr: "Fichier CSV des évaluations (format de guichet award score, voir docs/AWARD.md)",
        en: "Evaluations CSV file (the format of guichet award score, see docs/AWARD.md)")
    static let endedAt = Localized(fr: "Fin (heure de Paris)", en: "End (Paris time)")
    static let byScenario = Localized(fr: "Par scénario", en: "By scenario")
    static let frozenScorecards = Localized(fr: "Grilles figées", en: "Frozen scorecards")
    static let tests = Localized(fr: "visites", en: "tests")
    static let rehearsalNote = Localized(
        fr: "Une marque peut répéter le protocole sur elle-même : ses propres clients mystères, ses scénarios.",
        en: "A brand can rehearse the protocol on itself: its own shoppers, its own scenarios.")

    static func stateName(_ state: EditionState) -> Localized {
        switch state {
        case .draft: return Localized(fr: "Brouillon", en: "Draft")
        case .fieldwork: return Localized(fr: "Terrain en cours", en: "Fieldwork")
        case .closed: return Localized(fr: "Clôturée", en: "Closed")
        case .published: return Localized(fr: "Publiée", en: "Published")
        }
    }

    static func scenarioKindName(_ kind: ScenarioKind) -> Localized {
        switch kind {
        case .preSale: return Localized(fr: "Avant-vente", en: "Pre-sale")
        case .afterSale: return Localized(fr: "Après-vente", en: "After-sale")
        }
    }

    static func channelName(_ channel: GuichetCore.Channel) -> Localized {
        switch channel {
        case .phone: return Localized(fr: "Téléphone", en: "Phone")
        case .email: return Localized(fr: "E-mail / formulaire", en: "Email / web form")
        case .web: return Localized(fr: "Navigation internet", en: "Web navigation")
        case .social: return Localized(fr: "Réseaux sociaux", en: "Social networks")
        case .chat: return Localized(fr: "Chat", en: "Chat")
        }
    }

    static func familyName(_ family: CriterionFamily) -> Localized {
        switch family {
        case .availability: return Localized(fr: "Disponibilité", en: "Availability")
        case .relational: return Localized(fr: "Relationnel", en: "Relational")
        case .answer: return Localized(fr: "Qualité de la réponse et qualité humaine", en: "Answer and human quality")
        case .usability: return Localized(fr: "Ergonomie", en: "Usability")
        }
    }
}
