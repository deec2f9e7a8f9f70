import GuichetCore

/// Every phrase of the web interface, in French and English.
enum Strings {
    static let appName = Localized(fr: "Guichet", en: "Guichet")
    static let skipToContent = Localized(fr: "Aller au contenu", en: "Skip to content")
    static let mainNavigation = Localized(fr: "Navigation principale", en: "Main navigation")
    static let home = Localized(fr: "Accueil", en: "Home")
    static let signIn = Localized(fr: "Se connecter", en: "Sign in")
    static let signInTitle = Localized(fr: "Connexion", en: "Sign in")
    static let signOut = Localized(fr: "Se déconnecter", en: "Sign out")
    static let email = Localized(fr: "Adresse e-mail", en: "Email address")
    static let password = Localized(fr: "Mot de passe", en: "Password")
    static let badCredentials = Localized(
        fr: "Adresse e-mail ou mot de passe incorrect.", en: "Wrong email address or password.")
    static let tooManyAttempts = Localized(
        fr: "Trop de tentatives échouées. Réessayez dans %@ minute(s).",
        en: "Too many failed attempts. Try again in %@ minute(s).")
    static let tagline = Localized(
        fr: "Un seul point de contact pour vos clients, mesuré comme le jury le mesure.",
        en: "One point of contact for your customers, measured the way the jury measures it.")
    static let language = Localized(fr: "Langue", en: "Language")
    static let switchLanguage = Localized(fr: "Changer", en: "Switch")
    static let welcome = Localized(fr: "Bonjour, %@", en: "Hello, %@")
    static let yourOrganisations = Localized(fr: "Vos organisations", en: "Your organisations")
    static let noOrganisation = Localized(
        fr: "Vous n’appartenez encore à aucune organisation. Demandez à un administrateur de vous ajouter.",
        en: "You do not belong to any organisation yet. Ask an administrator to add you.")
    static let organisation = Localized(fr: "Organisation", en: "Organisation")
    static let kind = Localized(fr: "Type", en: "Kind")
    static let roles = Localized(fr: "Rôles", en: "Roles")
    static let members = Localized(fr: "Membres", en: "Members")
    static let name = Localized(fr: "Nom", en: "Name")
    static let role = Localized(fr: "Rôle", en: "Role")
    static let since = Localized(fr: "Depuis", en: "Since")
    static let brandsServed = Localized(fr: "Marques servies", en: "Brands served")
    static let providers = Localized(fr: "Prestataires", en: "Providers")
    static let apiTokens = Localized(fr: "Jetons d’API", en: "API tokens")
    static let apiTokensIntro = Localized(
        fr: "Un jeton permet d’appeler l’API /api/v1 en votre nom (en-tête Authorization: Bearer …).",
        en: "A token lets a program call the /api/v1 API on your behalf (header Authorization: Bearer …).")
    static let tokenName = Localized(fr: "Nom du jeton", en: "Token name")
    static let tokenPrefix = Localized(fr: "Préfixe", en: "Prefix")
    static let actions = Localized(fr: "Actions", en: "Actions")
    static let createToken = Localized(fr: "Créer un jeton", en: "Create token")
    static let revoke = Localized(fr: "Révoquer", en: "Revoke")
    static let revoked = Localized(fr: "Révoqué", en: "Revoked")
    static let active = Localized(fr: "Actif", en: "Active")
    static let lastUsed = Localized(fr: "Dernière utilisation", en: "Last used")
    static let never = Localized(fr: "jamais", en: "never")
    static let status = Localized(fr: "État", en: "Status")
    static let noTokens = Localized(fr: "Aucun jeton.", en: "No tokens.")
    static let newTokenShownOnce = Localized(
        fr: "Voici votre nouveau jeton. Copiez-le maintenant : il ne sera plus jamais affiché.",
        en: "Here is your new token. Copy it now: it will never be shown again.")
    static let errorTitle = Localized(fr: "Erreur", en: "Error")
    static let notFound = Localized(fr: "Page introuvable.", en: "Page not found.")
    static let forbidden = Localized(
        fr: "Vous n’avez pas accès à cette page.", en: "You do not have access to this page.")
    static let internalError = Localized(
        fr: "Une erreur inattendue s’est produite. Elle a été enregistrée.",
        en: "An unexpected error occurred. It has been logged.")
    static let backHome = Localized(fr: "Retour à l’accueil", en: "Back to home")
    static let formExpired = Localized(
        fr: "Le formulaire a expiré. Rechargez la page et réessayez.",
        en: "The form has expired. Reload the page and try again.")
    static let requestReference = Localized(fr: "Référence", en: "Reference")

    static func roleName(_ role: Role) -> Localized {
        switch role {
        case .admin: return Localized(fr: "Administrateur", en: "Administrator")
        case .supervisor: return Localized(fr: "Superviseur", en: "Supervisor")
        case .agent: return Localized(fr: "Conseiller", en: "Agent")
        case .evaluator: return Localized(fr: "Évaluateur", en: "Evaluator")
        case .shopper: return Localized(fr: "Client mystère", en: "Mystery shopper")
        case .viewer: return Localized(fr: "Lecteur", en: "Viewer")
        }
    }

    static func kindName(_ kind: OrganisationKind) -> Localized {
        switch kind {
        case .brand: return Localized(fr: "Marque", en: "Brand")
        case .provider: return Localized(fr: "Prestataire", en: "Outsourcing provider")
        case .organiser: return Localized(fr: "Organisateur de prix", en: "Award organiser")
        }
    }
}

extension Localized {
    /// The phrase in `language` with `%@` replaced by `argument`.
    func format(_ language: Language, _ argument: String) -> String {
        self[language].replacingOccurrences(of: "%@", with: argument)
    }
}
