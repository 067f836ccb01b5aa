using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using LearningPlatform.ServiceDefaults;
using LearningPlatform.ServiceDefaults.Auth;
using Microsoft.AspNetCore.HttpsPolicy;
using Microsoft.Extensions.Options;

namespace LearningPlatform.Hub.Features.WebClient;

/// <summary>HSTS of the Hub's responses over HTTPS (after trusted proxies: <c>ForwardedHeaders</c>).</summary>
public sealed class BrowserSecurityOptions
{
    public const string SectionName = "BrowserSecurity";

    /// <summary>How long browsers keep to HTTPS after a response over HTTPS (<c>Strict-Transport-Security</c>).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "730.00:00:00")]
    public TimeSpan HstsMaxAge { get; set; } = TimeSpan.FromDays(365);

    /// <summary>Whether HSTS covers the subdomains of the host too; only when every one of them serves HTTPS.</summary>
    public bool HstsIncludeSubDomains { get; set; }
}

/// <summary>
/// Security headers on every response of the Hub, the browser client's pages most of all. The pages' Content
/// Security Policy allows scripts, styles, fonts, images, workers and connections (REST and the hub's WebSocket) from
/// this origin only, no inline script at all, no plugins, no framing, no base or form targets elsewhere.
/// <para>
/// Styles are the one exception Monaco forces: it positions every line, cursor and decoration with inline
/// <c>style="..."</c> attributes in the HTML it renders (<c>style-src-attr 'unsafe-inline'</c>; they style one element
/// each and cannot select or load anything the other directives do not allow), and it writes its theme and decoration
/// rules into <c>&lt;style&gt;</c> elements at run time. Those elements must carry the page's nonce
/// (<c>style-src-elem 'self' 'nonce-…'</c>), which the client adds to the style elements it creates
/// (<c>ClientApp/src/csp.js</c>); an injected <c>&lt;style&gt;</c> in rendered content has no nonce and stays inert.
/// </para>
/// </summary>
public static class BrowserSecurity
{
    /// <summary>Where the page's nonce is kept for the response's policy.</summary>
    private static readonly object NonceKey = new();

    private const string PagePolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; img-src 'self' data:; "
        + "font-src 'self'; connect-src 'self'; worker-src 'self'; object-src 'none'; frame-src 'none'; base-uri 'none'; "
        + "form-action 'self'; frame-ancestors 'none'; style-src-elem 'self'";

    // JSON, event streams, health and metrics: nothing in them may run or be framed, whatever a browser makes of them.
    private const string ApiPolicy = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    private static readonly string[] ApiPrefixes = ["/api", "/hubs", "/health", "/metrics", "/openapi"];

    public static IHostApplicationBuilder AddBrowserSecurity(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<BrowserSecurityOptions>(BrowserSecurityOptions.SectionName);
        builder.Services.AddHsts(_ => { });
        builder.Services.AddOptions<HstsOptions>().Configure<IOptions<BrowserSecurityOptions>>((hsts, security) =>
        {
            hsts.MaxAge = security.Value.HstsMaxAge;
            hsts.IncludeSubDomains = security.Value.HstsIncludeSubDomains;
        });
        return builder;
    }

    /// <summary>Before everything that writes a response; HSTS only over HTTPS and never for localhost.</summary>
    public static WebApplication UseBrowserSecurity(this WebApplication app)
    {
        app.UseHsts();
        app.Use((context, next) =>
        {
            context.Response.OnStarting(static state => AddHeaders((HttpContext)state), context);
            return next(context);
        });
        return app;
    }

    /// <summary>A fresh nonce for this response's page; the policy sent with it names it.</summary>
    public static string NewPageNonce(HttpContext context)
    {
        var nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(18));
        context.Items[NonceKey] = nonce;
        return nonce;
    }

    // On starting, so that responses cleared on the way (errors, 503s) carry them too.
    private static Task AddHeaders(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.XFrameOptions = "DENY";
        var path = context.Request.Path;
        if (ApiPrefixes.Any(p => path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase)))
        {
            headers.ContentSecurityPolicy = ApiPolicy;
        }
        // The Hangfire dashboard (admins only) keeps its own page rules.
        else if (!path.StartsWithSegments(AuthExtensions.DashboardPath, StringComparison.OrdinalIgnoreCase))
        {
            // The pages, the bundle and the editor's worker (a worker's own policy comes with its script).
            headers.ContentSecurityPolicy = context.Items[NonceKey] is string nonce ? PagePolicy + $" 'nonce-{nonce}'" : PagePolicy;
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
        }

        return Task.CompletedTask;
    }
}
