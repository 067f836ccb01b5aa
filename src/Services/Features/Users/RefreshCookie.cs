using Microsoft.AspNetCore.Http.HttpResults;

namespace LearningPlatform.Services.Features.Users;

/// <summary>
/// The browser client's refresh token, out of page scripts' reach: an HttpOnly cookie sent only to the refresh path,
/// only from this site (SameSite=Strict), and Secure when the client came over HTTPS (as the Hub, behind its trusted
/// proxies, forwards it). A client asks for it with <c>?useCookies=true</c>; API clients that do not (curl, the .NET
/// client) keep receiving the token in the body, as ASP.NET Core Identity's <c>useCookies</c> choice does.
/// </summary>
public static class RefreshCookie
{
    public const string Name = "lp_refresh";

    /// <summary>The only path the browser sends the cookie to: refresh (POST) and sign-out (DELETE).</summary>
    public const string Path = "/api/auth/refresh";

    /// <summary>
    /// Every request that uses the cookie must carry this header (any value). Cross-site forms cannot set headers, and
    /// a cross-origin script must first pass a CORS preflight, which the gateway grants only to configured origins;
    /// SameSite=Strict already keeps the cookie off cross-site requests, this covers older browsers and same-site
    /// origins.
    /// </summary>
    public const string CsrfHeader = "X-Requested-With";

    public static void Set(HttpContext http, string token, TimeSpan lifetime) =>
        http.Response.Cookies.Append(Name, token, Options(http, lifetime));

    public static void Clear(HttpContext http) => http.Response.Cookies.Delete(Name, Options(http, lifetime: null));

    /// <summary>The refresh token of the request: from the body when given there, else from the cookie.</summary>
    public static (string? Token, bool FromCookie) Presented(HttpContext http, RefreshRequest? request) =>
        !string.IsNullOrEmpty(request?.RefreshToken) ? (request.RefreshToken, false)
        : http.Request.Cookies[Name] is { Length: > 0 } cookie ? (cookie, true)
        : (null, false);

    public static bool HasCsrfHeader(HttpContext http) => http.Request.Headers[CsrfHeader].Any(v => !string.IsNullOrEmpty(v));

    public static ProblemHttpResult CsrfRefused() =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status403Forbidden,
            title: "Cross-site request refused",
            detail: $"A request that uses the refresh cookie must carry the {CsrfHeader} header.");

    private static CookieOptions Options(HttpContext http, TimeSpan? lifetime) => new()
    {
        HttpOnly = true,
        Secure = http.Request.IsHttps,
        SameSite = SameSiteMode.Strict,
        Path = Path,
        MaxAge = lifetime,
        IsEssential = true,
    };
}
