import NovarecHTTP

/// The web console: one self-contained page (`GET /console`) and its script and style sheet,
/// compiled into the binary, so it works offline and needs no CDN. The page uses only the
/// public API from the visitor's browser, with whatever key the visitor types in; the console
/// itself holds no data, so its routes need no key (the API calls it makes do).
public enum Console {
    /// The page and its assets, by the name they are served under.
    static let assets: [String: (contentType: String, body: String)] = [
        "app.js": ("text/javascript; charset=utf-8", ConsoleScript.source),
        "charts.js": ("text/javascript; charset=utf-8", ConsoleCharts.source),
        "style.css": ("text/css; charset=utf-8", ConsoleStyle.source)
    ]

    /// Adds `GET /console` and `GET /console/{asset}` to `router`.
    public static func routes(_ router: inout Router) {
        router.get("/console") { _ in response("text/html; charset=utf-8", ConsolePage.html) }
        router.get("/console/{asset}") { request in
            guard let asset = assets[request.pathParameters["asset"] ?? ""] else { throw ProblemDetails(status: .notFound) }
            return response(asset.contentType, asset.body)
        }
    }

    /// Served with a policy that allows only this origin's scripts, styles and API: a stray
    /// item title can never run as script, and no other site may frame the console.
    private static func response(_ contentType: String, _ body: String) -> HTTPResponse {
        HTTPResponse(
            status: .ok,
            headers: [
                "Content-Type": contentType,
                "Content-Security-Policy":
                    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
                "X-Content-Type-Options": "nosniff",
                "Referrer-Policy": "no-referrer",
                "Cache-Control": "no-cache"
            ], body: Array(body.utf8))
    }
}
