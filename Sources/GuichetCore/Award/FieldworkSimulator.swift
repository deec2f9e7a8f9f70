import Foundation

/// Terrain simulé: seeded, plausible evaluations for a plan, for demos, benchmarks and tests.
///
/// Each company has a profile: its typical share of points and how often its calls are zeroed
/// (the peer study assumes about 6 %). Every test draws its own level around that, each criterion
/// a little noise around the test's level, so marks vary like real fieldwork (sd ≈ 3 out of 20).
public struct FieldworkSimulator: Sendable {
    public struct Profile: Codable, Sendable, Hashable {
        /// Expected share of points on a criterion, 0…1.
        public var quality: Double
        /// Probability that a test on a channel with automatic zeros is zeroed by ringing,
        /// take-in-charge time or saturation (split evenly).
        public var autoZeroRate: Double

        public init(quality: Double, autoZeroRate: Double = 0.06) {
            self.quality = quality
            self.autoZeroRate = autoZeroRate
        }
    }

    public var scorecards: ScorecardSet
    public var settings: EditionSettings

    public init(scorecards: ScorecardSet, settings: EditionSettings = EditionSettings()) {
        self.scorecards = scorecards
        self.settings = settings
    }

    /// One evaluation per planned test. A test's draws depend only on `seed` and the test id.
    public func evaluations(for tests: [MysteryTest], profiles: [String: Profile], seed: UInt64) -> [Evaluation] {
        tests.compactMap { test in
            guard let card = scorecards[test.channel] else { return nil }
            let profile = profiles[test.companyID] ?? Profile(quality: 0.65)
            var rng = SeededGenerator(seed: seed, stream: stableHash(test.id))
            return evaluation(test, card: card, profile: profile, rng: &rng)
        }
    }

    private func evaluation(
        _ test: MysteryTest, card: Scorecard, profile: Profile, rng: inout SeededGenerator
    ) -> Evaluation {
        let level = clamp(profile.quality + 0.15 * normal(&rng))
        var scores: [String: CriterionScore] = [:]
        for criterion in card.criteria {
            if criterion.notApplicableAllowed, rng.nextUnitDouble() < 0.3 {
                scores[criterion.id] = .notApplicable
                continue
            }
            if criterion.critical != nil, rng.nextUnitDouble() < 0.01 {
                scores[criterion.id] = .points(0)
                continue
            }
            let target = clamp(level + 0.15 * normal(&rng)) * criterion.maxPoints
            let nearest = criterion.scale.points.min { abs($0 - target) < abs($1 - target) }!
            scores[criterion.id] = .points(nearest)
        }
        var ringing: Double?
        var takeInCharge: Double?
        var saturation = false
        var duration = 60 + rng.nextUnitDouble() * 540
        switch test.channel {
        case .phone:
            ringing = (exponential(&rng, mean: 12)).rounded()
            takeInCharge = ringing! + exponential(&rng, mean: 35).rounded()
        case .chat:
            takeInCharge = exponential(&rng, mean: 50).rounded()
        case .email, .social:
            duration = 3600 * (1 + rng.nextUnitDouble() * 47)  // reply within two days
        case .web:
            duration = 120 + rng.nextUnitDouble() * 900
        }
        if settings.autoZero.channels.contains(test.channel), rng.nextUnitDouble() < profile.autoZeroRate {
            switch rng.next() % 3 {
            case 0: ringing = settings.autoZero.maxRingingSeconds + 1 + (rng.nextUnitDouble() * 30).rounded()
            case 1:
                takeInCharge = settings.autoZero.maxTakeInChargeSeconds + 1 + (rng.nextUnitDouble() * 180).rounded()
            default: saturation = true
            }
        }
        let verbatims = level > 0.75 ? Self.goodVerbatims : level > 0.5 ? Self.averageVerbatims : Self.poorVerbatims
        return Evaluation(
            testID: test.id, companyID: test.companyID, categoryID: test.categoryID, channel: test.channel,
            scenarioID: test.scenarioID, startedAt: test.scheduledAt,
            endedAt: test.scheduledAt.addingTimeInterval(duration.rounded()), ringingSeconds: ringing,
            takeInChargeSeconds: takeInCharge, saturationMessage: saturation, scores: scores,
            verbatim: saturation
                ? "Message de saturation, appel coupé." : verbatims[Int(rng.next() % UInt64(verbatims.count))])
    }

    private static let goodVerbatims = [
        "Conseiller très aimable, réponse claire et complète.",
        "Demande reformulée, solution donnée dès le premier contact.",
        "Accueil chaleureux, a pris le temps d'expliquer.",
    ]
    private static let averageVerbatims = [
        "Réponse correcte mais un peu expéditive.",
        "Mis en attente deux fois, réponse finalement juste.",
        "Ton neutre, réponse partielle, a proposé de rappeler.",
    ]
    private static let poorVerbatims = [
        "« Vous n'êtes pas au bon service », transféré puis raccroché.",
        "Réponse vague, pas de reformulation.",
        "Conseiller pressé, la question n'a pas été traitée.",
    ]

    private func clamp(_ x: Double) -> Double { min(1, max(0, x)) }

    /// Standard normal draw (Box–Muller).
    private func normal(_ rng: inout SeededGenerator) -> Double {
        let u = max(rng.nextUnitDouble(), 1e-12)
        let v = rng.nextUnitDouble()
        return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
    }

    private func exponential(_ rng: inout SeededGenerator, mean: Double) -> Double {
        -mean * log(max(1 - rng.nextUnitDouble(), 1e-12))
    }
}

/// Édition de démonstration: one published edition with one category of 4 companies, planned, run
/// through simulated fieldwork and judged. Same seed, same edition, everywhere.
public struct AwardDemo: Sendable {
    public var edition: Edition
    public var categories: [Category]
    public var companies: [Company]
    public var scenarios: [Scenario]
    public var shoppers: [Shopper]
    public var scorecards: ScorecardSet
    public var plan: TestPlan
    public var evaluations: [Evaluation]
    public var results: EditionResults

    /// The true levels behind the demo companies (the simulation's input, for tests and docs).
    public static let profiles: [String: FieldworkSimulator.Profile] = [
        "primeur-express": .init(quality: 0.68, autoZeroRate: 0.04),
        "maxi-marche": .init(quality: 0.67, autoZeroRate: 0.06),
        "halle-fraiche": .init(quality: 0.655, autoZeroRate: 0.06),
        "panier-malin": .init(quality: 0.62, autoZeroRate: 0.08),
    ]

    public static func make(seed: UInt64 = 2018, bootstrap: BootstrapOptions? = BootstrapOptions()) throws -> AwardDemo
    {
        let scorecards = try ScorecardSet.bundled()
        let edition = Edition(
            id: "escda-2018", name: "Élu Service Client de l'Année 2018",
            start: CivilDate(year: 2017, month: 5, day: 2))
        let category = Category(id: "grande-distribution", name: "Grande distribution")
        let phoneHours = WeeklyHours.reference
        let chatHours = WeeklyHours.same(
            TimeRange(start: 9 * 60, end: 18 * 60),
            on: [.monday, .tuesday, .wednesday, .thursday, .friday])
        let companies = [
            ("primeur-express", "Primeur Express"), ("maxi-marche", "MaxiMarché"),
            ("halle-fraiche", "Halle Fraîche"), ("panier-malin", "Panier Malin"),
        ].map { id, name in
            Company(
                id: id, name: name, categoryID: category.id, channels: Set(Channel.allCases),
                openingHours: [.phone: phoneHours, .chat: chatHours])
        }
        let scenarios = demoScenarios(categoryID: category.id)
        let shoppers = (1...12).map { Shopper(id: String(format: "cm-%02d", $0), name: "Client mystère \($0)") }
        let plan = try TestPlanner(edition: edition).plan(
            categories: [category], companies: companies, scenarios: scenarios, shoppers: shoppers, seed: seed)
        let evaluations = FieldworkSimulator(scorecards: scorecards, settings: edition.settings)
            .evaluations(for: plan.tests, profiles: profiles, seed: seed)
        let results = try EditionResults.compute(
            settings: edition.settings, scorecards: scorecards, categories: [category], companies: companies,
            evaluations: evaluations, bootstrap: bootstrap)
        return AwardDemo(
            edition: edition, categories: [category], companies: companies, scenarios: scenarios, shoppers: shoppers,
            scorecards: scorecards, plan: plan, evaluations: evaluations, results: results)
    }

    /// 15 scenarios of a retail category, 8 pre-sale and 7 after-sale.
    public static func demoScenarios(categoryID: String) -> [Scenario] {
        let items: [(ScenarioKind, String, String, String)] = [
            (
                .preSale, "Disponibilité d'un produit",
                "Le produit vu dans le catalogue est-il disponible en magasin ?",
                "Vérifier le stock du magasin le plus proche et proposer une alternative."
            ),
            (
                .preSale, "Horaires d'ouverture", "Le magasin est-il ouvert le dimanche matin ?",
                "Donner les horaires exacts du magasin demandé."
            ),
            (
                .preSale, "Livraison à domicile", "Livrez-vous à domicile et à quel prix ?",
                "Zones, délais et tarifs de livraison."
            ),
            (
                .preSale, "Garantie d'un appareil", "Quelle garantie pour un robot de cuisine ?",
                "Garantie légale de 2 ans et extension éventuelle."
            ),
            (
                .preSale, "Carte de fidélité", "Comment fonctionne la carte de fidélité ?",
                "Conditions d'adhésion, avantages, application mobile."
            ),
            (
                .preSale, "Allergènes", "Ce produit contient-il des traces de fruits à coque ?",
                "Lire la liste des allergènes ou orienter vers l'étiquette."
            ),
            (
                .preSale, "Moyens de paiement", "Acceptez-vous les titres-restaurant ?",
                "Moyens de paiement acceptés et plafonds."
            ),
            (
                .preSale, "Retrait en magasin", "Puis-je commander en ligne et retirer en magasin ?",
                "Fonctionnement du retrait, délais, frais."
            ),
            (
                .afterSale, "Produit défectueux", "Mon grille-pain ne fonctionne plus après une semaine.",
                "Échange ou remboursement en magasin sur présentation du ticket."
            ),
            (
                .afterSale, "Remboursement", "Je n'ai pas reçu le remboursement d'un article retourné.",
                "Vérifier le dossier, donner le délai et la référence."
            ),
            (
                .afterSale, "Suivi de commande", "Ma commande en ligne n'est pas arrivée.",
                "Numéro de suivi, transporteur, solution si perte."
            ),
            (
                .afterSale, "Erreur de caisse", "J'ai été débité deux fois.",
                "Procédure de régularisation et délai."
            ),
            (
                .afterSale, "Rappel de produit", "Le produit que j'ai acheté fait-il partie du rappel ?",
                "Vérifier les lots concernés et expliquer le remboursement."
            ),
            (
                .afterSale, "Points de fidélité manquants", "Mes points n'ont pas été crédités.",
                "Créditer ou expliquer le délai de prise en compte."
            ),
            (
                .afterSale, "Réclamation sur un service", "Le livreur a laissé le colis devant la porte.",
                "Excuses, enregistrement de la réclamation, geste commercial."
            ),
        ]
        return items.enumerated().map { index, item in
            Scenario(
                id: String(format: "sc-%02d", index + 1), categoryID: categoryID, title: item.1, kind: item.0,
                script: item.2, expectedAnswer: item.3)
        }
    }
}
