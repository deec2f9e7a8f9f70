import Vapor

/// The one route table. Every route goes through `endpoint(…)`, which declares who may call it.
func registerRoutes(_ app: Application) {
    let web = app.grouped(WebSessionMiddleware(), CSRFMiddleware())
    WebController().register(web)
    AwardWebController().register(web)
    ContactCentreWebController().register(web)

    let api = app.grouped("api", "v1").grouped(BearerTokenMiddleware())
    AccountsController().register(api)
    AwardController().register(api)
    OperationsController().register(app, api: api)
    StaffingController().register(api, web: web)
    ContactCentreController().register(api)
    CTIController().register(api)
    PublicChannelsController().register(web: web, api: api)
    ChatChannel().register(app: app, api: api)
}
