using System.Text.RegularExpressions;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Net.Http.Headers;

namespace LearningPlatform.Hub.Features.WebClient;

/// <summary>
/// The browser client (built from <c>ClientApp/</c> into <c>wwwroot/dist</c>): static files, and <c>index.html</c> for
/// every other page path so that the client's own routes survive a reload. Server paths never fall back to it: an
/// unknown <c>/api/...</c> stays a 404 rather than a 200 with HTML. Every page is sent with a fresh nonce for its
/// Content Security Policy (<see cref="BrowserSecurity"/>), so <c>index.html</c> is never served as a plain file.
/// </summary>
public static partial class WebClientFeature
{
    private const string IndexFile = "index.html";

    private const string DistPath = "/dist";

    private static readonly string[] ServerPrefixes = ["/api", "/hubs", "/health", "/metrics", "/openapi", "/jobs", DistPath];

    public static WebApplication UseWebClient(this WebApplication app)
    {
        // The build's Brotli and gzip copies of the bundle go to browsers that accept them.
        app.UsePrecompressedFiles(DistPath, app.Environment.WebRootFileProvider);
        app.UseStaticFiles(new StaticFileOptions
        {
            ContentTypeProvider = PrecompressedFiles.ContentTypes(DistPath, new FileExtensionContentTypeProvider()),
            // esbuild names chunks and assets by their content hash (ClientApp/build.mjs): those never change, so they
            // are cached for good. The entry points (app.js, app.css, the editor worker) keep their names: revalidate
            // each time (ETags make that a 304).
            OnPrepareResponse = c =>
            {
                var name = PrecompressedFiles.PrepareResponse(c);
                c.Context.Response.Headers[HeaderNames.CacheControl] =
                    c.Context.Request.Path.StartsWithSegments(DistPath + "/chunks", StringComparison.Ordinal) || HashedAsset().IsMatch(name)
                        ? "public, max-age=31536000, immutable"
                        : "no-cache";
            },
        });
        return app;
    }

    public static WebApplication MapWebClient(this WebApplication app)
    {
        string[] methods = [HttpMethods.Get, HttpMethods.Head];
        app.MapMethods("/", methods, context => SendPageAsync(app, context)).WithName("WebClientIndex").ExcludeFromDescription().AllowAnonymous();
        app.MapMethods("/" + IndexFile, methods, context => SendPageAsync(app, context)).WithName("WebClientIndexFile").ExcludeFromDescription().AllowAnonymous();
        app.MapFallback(context =>
        {
            var path = context.Request.Path;
            if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method)
                || ServerPrefixes.Any(p => path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase))
                || Path.HasExtension(path.Value))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }

            return SendPageAsync(app, context);
        }).WithName("WebClient").ExcludeFromDescription().AllowAnonymous();
        return app;
    }

    private static async Task SendPageAsync(WebApplication app, HttpContext context)
    {
        var index = app.Environment.WebRootFileProvider.GetFileInfo(IndexFile);
        if (!index.Exists)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        string html;
        using (var reader = new StreamReader(index.CreateReadStream()))
        {
            html = await reader.ReadToEndAsync(context.RequestAborted);
        }

        // The nonce rides on the page's script element, where the client reads it (ClientApp/src/csp.js) and where
        // CSS selectors cannot see it (browsers hide nonce attributes from the DOM's attribute values).
        var nonce = BrowserSecurity.NewPageNonce(context);
        html = html.Replace("<script ", $"<script nonce=\"{nonce}\" ", StringComparison.Ordinal);
        context.Response.ContentType = "text/html; charset=utf-8";
        // A nonce is good for one response only: no cache may keep the page.
        context.Response.Headers[HeaderNames.CacheControl] = "no-store";
        await context.Response.WriteAsync(html, context.RequestAborted);
    }

    /// <summary>An asset named <c>[name]-[hash].ext</c> by esbuild (the editor's font).</summary>
    [GeneratedRegex(@"-[A-Z0-9]{8}\.\w+$")]
    private static partial Regex HashedAsset();
}
