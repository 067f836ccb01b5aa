using Microsoft.Net.Http.Headers;

namespace LearningPlatform.Hub.Features.WebClient;

/// <summary>
/// The browser client (built from <c>ClientApp/</c> into <c>wwwroot/dist</c>): static files, and <c>index.html</c> for
/// every other page path so that the client's own routes survive a reload. Server paths never fall back to it: an
/// unknown <c>/api/...</c> stays a 404 rather than a 200 with HTML.
/// </summary>
public static class WebClientFeature
{
    private static readonly string[] ServerPrefixes = ["/api", "/hubs", "/health", "/metrics", "/openapi", "/jobs", "/dist"];

    public static WebApplication UseWebClient(this WebApplication app)
    {
        app.UseDefaultFiles();
        app.UseStaticFiles(new StaticFileOptions
        {
            // The bundle's names carry no hash: revalidate each time (ETags make that a 304).
            OnPrepareResponse = c => c.Context.Response.Headers[HeaderNames.CacheControl] = "no-cache",
        });
        return app;
    }

    public static WebApplication MapWebClient(this WebApplication app)
    {
        app.MapFallback(async context =>
        {
            var path = context.Request.Path;
            var index = app.Environment.WebRootFileProvider.GetFileInfo("index.html");
            if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method)
                || ServerPrefixes.Any(p => path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase))
                || Path.HasExtension(path.Value)
                || !index.Exists)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            context.Response.ContentType = "text/html; charset=utf-8";
            context.Response.Headers[HeaderNames.CacheControl] = "no-cache";
            await context.Response.SendFileAsync(index, context.RequestAborted);
        }).WithName("WebClient").ExcludeFromDescription().AllowAnonymous();
        return app;
    }
}
