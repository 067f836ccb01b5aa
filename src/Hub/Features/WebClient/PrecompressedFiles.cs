using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace LearningPlatform.Hub.Features.WebClient;

/// <summary>
/// The client build writes a Brotli (<c>.br</c>) and a gzip (<c>.gz</c>) copy beside each compressible file of
/// <c>wwwroot/dist</c> (<c>ClientApp/build.mjs</c>). For a request that accepts one (<c>Accept-Encoding</c>, Brotli
/// first at equal quality, <c>q=0</c> refused) this step points the request at the copy, and the ordinary
/// <see cref="StaticFileMiddleware"/> sends it: its own ETag, Last-Modified, ranges and HEAD, the original file's
/// Content-Type (<see cref="ContentTypes"/>) and <c>Content-Encoding</c> (<see cref="PrepareResponse"/>). Every file
/// that has a copy is sent with <c>Vary: Accept-Encoding</c>. Nothing is compressed per request: API JSON stays
/// uncompressed (compressing secrets beside attacker-chosen text is BREACH; the JSON is small).
/// <para>
/// The copies are not resources of their own: asking for <c>/dist/app.js.br</c> is a 404. A copy older than its
/// file (left by <c>npm run watch</c>, which rewrites the files only) is ignored.
/// </para>
/// </summary>
public static class PrecompressedFiles
{
    private static readonly (string Coding, string Suffix)[] Codings = [("br", ".br"), ("gzip", ".gz")];

    /// <summary>Before <c>UseStaticFiles</c>: negotiates the files under <paramref name="under"/>.</summary>
    public static IApplicationBuilder UsePrecompressedFiles(this IApplicationBuilder app, PathString under, IFileProvider files) =>
        app.Use(async (context, next) =>
        {
            var path = context.Request.Path;
            if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method)
                || !path.StartsWithSegments(under, StringComparison.OrdinalIgnoreCase))
            {
                await next(context);
                return;
            }

            if (CodingOf(path.Value!) is not null)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            var coding = Negotiate(context, files, path.Value!);
            if (coding is null)
            {
                await next(context);
                return;
            }

            context.Request.Path = new PathString(path.Value + coding.Value.Suffix);
            try
            {
                await next(context);
            }
            finally
            {
                context.Request.Path = path;
            }
        });

    /// <summary>
    /// The content type of the file a copy under <paramref name="under"/> was made from, for the copy too. Elsewhere
    /// a <c>.br</c> or <c>.gz</c> file keeps an unknown type, so it is not served (the SDK's publish writes
    /// <c>index.html.br</c>, and the page is only ever sent with its nonce).
    /// </summary>
    public static IContentTypeProvider ContentTypes(PathString under, IContentTypeProvider inner) => new ContentTypeOfOriginal(under, inner);

    /// <summary>
    /// From <c>OnPrepareResponse</c>: labels a copy with its <c>Content-Encoding</c>. Returns the name of the file the
    /// response represents (the original's, for a copy), for decisions by name such as caching.
    /// </summary>
    public static string PrepareResponse(StaticFileResponseContext context)
    {
        var name = context.File.Name;
        if (CodingOf(name) is not { } coding)
        {
            return name;
        }

        context.Context.Response.Headers.ContentEncoding = coding.Coding;
        return name[..^coding.Suffix.Length];
    }

    /// <summary>The coding to send <paramref name="path"/> in, when it has a current copy the request accepts.</summary>
    private static (string Coding, string Suffix)? Negotiate(HttpContext context, IFileProvider files, string path)
    {
        var file = files.GetFileInfo(path);
        if (!file.Exists || file.IsDirectory)
        {
            return null;
        }

        var available = Codings.Where(c => files.GetFileInfo(path + c.Suffix) is { Exists: true } copy && copy.LastModified >= file.LastModified).ToList();
        if (available.Count == 0)
        {
            return null;
        }

        // Whichever representation goes out, caches must keep them apart.
        context.Response.Headers.Append(HeaderNames.Vary, HeaderNames.AcceptEncoding);
        var accepted = context.Request.GetTypedHeaders().AcceptEncoding;
        return available
            .Select(c => (Coding: c, Quality: Quality(accepted, c.Coding)))
            .Where(c => c.Quality > 0)
            .OrderByDescending(c => c.Quality) // stable: Brotli before gzip at equal quality
            .Select(c => ((string, string)?)c.Coding)
            .FirstOrDefault();
    }

    /// <summary>The quality a request gives a coding: its own entry, else <c>*</c>'s, else 0 (not accepted).</summary>
    private static double Quality(IList<StringWithQualityHeaderValue> accepted, string coding)
    {
        var entry = accepted.FirstOrDefault(a => a.Value.Equals(coding, StringComparison.OrdinalIgnoreCase))
            ?? accepted.FirstOrDefault(a => a.Value.Equals("*", StringComparison.Ordinal));
        return entry is null ? 0 : entry.Quality ?? 1;
    }

    private static (string Coding, string Suffix)? CodingOf(string name) =>
        Codings.Cast<(string Coding, string Suffix)?>().FirstOrDefault(c => name.EndsWith(c!.Value.Suffix, StringComparison.OrdinalIgnoreCase));

    private sealed class ContentTypeOfOriginal(PathString under, IContentTypeProvider inner) : IContentTypeProvider
    {
        public bool TryGetContentType(string subpath, out string contentType) =>
            inner.TryGetContentType(
                CodingOf(subpath) is { } coding && new PathString(subpath).StartsWithSegments(under, StringComparison.OrdinalIgnoreCase) ? subpath[..^coding.Suffix.Length] : subpath,
                out contentType!);
    }
}
