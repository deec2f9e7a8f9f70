import GuichetCore

/// Phrases of the staffing page (`/staffing`), French and English side by side.
extension Strings {
    static let staffing = Localized(fr: "Effectifs", en: "Staffing")
    static let staffingTitle = Localized(fr: "Effectifs et simulation", en: "Staffing and simulation")
    static let staffingIntro = Localized(
        fr: "Saisissez la prévision d’appels : Guichet calcule les agents nécessaires par intervalle (Erlang C, ou "
            + "Erlang A si vous donnez une patience), puis simule la journée pour vérifier le niveau de service et "
            + "le risque de zéro au prix (appel mystère qui sonne plus de 60 s).",
        en: "Enter the call forecast: Guichet works out the agents needed in each interval (Erlang C, or Erlang A "
            + "when you give a patience), then simulates the day to check the service level and the risk of an "
            + "award zero (a mystery call ringing over 60 s).")
    static let forecastLegend = Localized(fr: "Prévision", en: "Forecast")
    static let targetLegend = Localized(fr: "Objectif et effectifs", en: "Target and staffing")
    static let weeklyCalls = Localized(fr: "Appels par semaine", en: "Calls per week")
    static let daysOpen = Localized(fr: "Jours ouverts (à partir du lundi)", en: "Days open (from Monday)")
    static let opensAt = Localized(fr: "Ouverture (HH:MM)", en: "Opens at (HH:MM)")
    static let closesAt = Localized(fr: "Fermeture (HH:MM)", en: "Closes at (HH:MM)")
    static let intervalLength = Localized(fr: "Durée des intervalles (min)", en: "Interval length (min)")
    static let handlingTime = Localized(fr: "Durée moyenne de traitement (s)", en: "Average handling time (s)")
    static let patience = Localized(
        fr: "Patience moyenne avant raccroché (s, facultatif)", en: "Mean patience before hanging up (s, optional)")
    static let peakDayCalls = Localized(
        fr: "Appels un jour de pic (0 : aucun)", en: "Calls on a peak day (0: none)")
    static let targetPercent = Localized(fr: "Objectif : % d’appels décrochés en moins de…", en: "Target: % answered within…")
    static let targetSeconds = Localized(fr: "… secondes", en: "… seconds")
    static let shrinkagePercent = Localized(
        fr: "Absentéisme et temps hors téléphone (%)", en: "Shrinkage: paid time off the phones (%)")
    static let peakDayName = Localized(fr: "Jour de pic", en: "Peak day")
    static let compute = Localized(fr: "Calculer", en: "Compute")
    static let formHasErrors = Localized(
        fr: "Certaines valeurs ne conviennent pas :", en: "Some values cannot be used:")
    static let expectNumber = Localized(fr: "saisissez un nombre", en: "enter a number")
    static let expectRange = Localized(fr: "saisissez une valeur entre %@", en: "enter a value between %@")
    static let expectTime = Localized(fr: "saisissez une heure HH:MM", en: "enter a time HH:MM")
    static let weekSummary = Localized(fr: "Semaine type", en: "Normal week")
    static let weekFTE = Localized(
        fr: "%@ heures-agents planifiées, soit %@ ETP (%@ h par ETP et par semaine)",
        en: "%@ scheduled agent-hours, that is %@ FTE (%@ h per FTE per week)")
    static let modelUsed = Localized(fr: "Modèle : %@ ; objectif : %@", en: "Model: %@; target: %@")
    static let day = Localized(fr: "Jour", en: "Day")
    static let calls = Localized(fr: "Appels", en: "Calls")
    static let agentHours = Localized(fr: "Heures-agents", en: "Agent-hours")
    static let ftePerDay = Localized(fr: "ETP du jour", en: "FTE (day)")
    static let peakAgents = Localized(fr: "Pointe planifiée", en: "Peak scheduled")
    static let expectedSL = Localized(fr: "NS attendu", en: "Expected SL")
    static let simulatedSL = Localized(fr: "NS simulé", en: "Simulated SL")
    static let zeroProbability = Localized(fr: "P(zéro)", en: "P(zero)")
    static let markLoss = Localized(fr: "Points perdus /20", en: "Points lost /20")
    static let intervalStart = Localized(fr: "Début", en: "Start")
    static let agents = Localized(fr: "Agents", en: "Agents")
    static let scheduled = Localized(fr: "Planifiés", en: "Scheduled")
    static let ringOver60 = Localized(fr: "P(sonnerie > 60 s)", en: "P(ring > 60 s)")
    static let chartTitle = Localized(
        fr: "%@ : agents par intervalle et niveau de service à %@ s", en: "%@: agents per interval and service level at %@ s")
    static let chartDescription = Localized(
        fr: "Barres : agents au téléphone (échelle de gauche). Lignes : niveau de service attendu (Erlang) et simulé "
            + "avec son intervalle de confiance à 95 % (échelle de droite, en %). Pointillés : l’objectif.",
        en: "Bars: agents on the phones (left scale). Lines: expected (Erlang) and simulated service level with its "
            + "95 % confidence interval (right scale, in %). Dashed: the target.")
    static let legendAgents = Localized(fr: "Agents au téléphone", en: "Agents on the phones")
    static let legendExpected = Localized(fr: "NS attendu", en: "Expected SL")
    static let legendSimulated = Localized(fr: "NS simulé (IC 95 %)", en: "Simulated SL (95 % CI)")
    static let legendTarget = Localized(fr: "Objectif", en: "Target")
    static let awardExposure = Localized(fr: "Exposition au prix", en: "Award exposure")
    static let awardExplanation = Localized(
        fr: "Un appel mystère qui sonne plus de 60 s vaut 0. Sur %@ appels tests, on attend %@ zéros "
            + "(%@ point(s) perdu(s) sur la note téléphone de %@/20) le %@ ; simulé : P(zéro) = %@.",
        en: "A mystery call that rings over 60 s scores 0. Of %@ test calls, %@ are expected to score 0 "
            + "(%@ point(s) lost on a %@/20 phone mark) on %@; simulated: P(zero) = %@.")
    static let simulationNote = Localized(
        fr: "Simulation : %@ réplications par jour affiché, graine %@ (mêmes valeurs à chaque calcul).",
        en: "Simulation: %@ replications per day shown, seed %@ (the same values every time).")
}
