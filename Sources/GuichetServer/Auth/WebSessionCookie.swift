/// The name of the browser session cookie (HttpOnly, SameSite=Lax, Secure behind HTTPS).
public enum WebSessionCookie {
    public static let name = WebSessionMiddleware.cookieName
}
