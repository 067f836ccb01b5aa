using System.IO.Compression;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace LearningPlatform.Hub.Tests.Web;

/// <summary>
/// The bundle's Brotli and gzip copies (written by <c>npm run build</c>) are sent by content negotiation through the
/// real Hub; the bodies are compared byte for byte with the plain files.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed partial class CompressedAssetsTests(PlatformFixture platform)
{
    public static TheoryData<string, string> Codings => new()
    {
        { "br", "br" },
        { "gzip", "gzip" },
        { "gzip, deflate, br, zstd", "br" }, // what Chromium sends: Brotli first
        { "br;q=0, gzip", "gzip" },
        { "gzip;q=1, br;q=0.5", "gzip" },
        { "*", "br" },
        { "*;q=0.5, br;q=0", "gzip" },
    };

    [Theory]
    [MemberData(nameof(Codings))]
    public async Task The_entry_script_is_sent_in_the_accepted_coding_and_decompresses_to_the_file(string acceptEncoding, string expected)
    {
        var (plain, _) = await GetAsync("/dist/app.js", null);

        var (body, response) = await GetAsync("/dist/app.js", acceptEncoding);

        Assert.Equal(expected, Assert.Single(response.Content.Headers.ContentEncoding));
        Assert.Contains("Accept-Encoding", response.Headers.Vary);
        Assert.Equal("text/javascript", response.Content.Headers.ContentType?.MediaType);
        Assert.True(body.Length < plain.Length, $"{body.Length} bytes compressed, {plain.Length} plain");
        Assert.Equal(plain, Decompress(body, expected));
    }

    [Theory]
    [InlineData("/dist/app.css", "text/css")]
    [InlineData("/dist/editor.worker.js", "text/javascript")]
    [InlineData("/dist/app.js.map", null)]
    public async Task Every_compressible_output_has_both_copies(string path, string? mediaType)
    {
        var (plain, plainResponse) = await GetAsync(path, null);
        foreach (var coding in new[] { "br", "gzip" })
        {
            var (body, response) = await GetAsync(path, coding);
            Assert.Equal(coding, Assert.Single(response.Content.Headers.ContentEncoding));
            Assert.Equal(mediaType ?? plainResponse.Content.Headers.ContentType?.MediaType, response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(plain, Decompress(body, coding));
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("identity")]
    [InlineData("br;q=0, gzip;q=0")]
    [InlineData("deflate")]
    public async Task Without_an_accepted_coding_the_plain_file_goes_out_with_vary(string? acceptEncoding)
    {
        var (body, response) = await GetAsync("/dist/app.js", acceptEncoding);

        Assert.Empty(response.Content.Headers.ContentEncoding);
        Assert.Contains("Accept-Encoding", response.Headers.Vary);
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(WebRoot, "dist", "app.js")), body);
    }

    [Fact]
    public async Task Hashed_chunks_and_the_font_stay_cached_for_good_and_the_entry_revalidates()
    {
        var (entry, entryResponse) = await GetAsync("/dist/app.js", "br");
        Assert.Equal("no-cache", entryResponse.Headers.CacheControl?.ToString());
        var chunk = ChunkReference().Match(System.Text.Encoding.UTF8.GetString(Decompress(entry, "br"))).Value;
        Assert.NotEmpty(chunk);
        var font = Path.GetFileName(Directory.GetFiles(Path.Combine(WebRoot, "dist"), "codicon-*.ttf").Single());

        foreach (var path in new[] { "/dist/" + chunk[2..], "/dist/" + font })
        {
            foreach (var coding in new[] { "br", "gzip" })
            {
                var (_, response) = await GetAsync(path, coding);
                Assert.Equal(coding, Assert.Single(response.Content.Headers.ContentEncoding));
                Assert.Equal("public, max-age=31536000, immutable", response.Headers.CacheControl?.ToString());
            }
        }
    }

    [Fact]
    public async Task Head_and_etags_belong_to_the_representation_sent()
    {
        using var client = platform.Client();
        var (body, get) = await GetAsync("/dist/app.css", "br");
        var (_, plain) = await GetAsync("/dist/app.css", null);

        using var head = await SendAsync(client, HttpMethod.Head, "/dist/app.css", "br");
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal("br", Assert.Single(head.Content.Headers.ContentEncoding));
        Assert.Equal(body.Length, head.Content.Headers.ContentLength);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());

        // Each representation has its own validator; a cached one revalidates as a 304 that still says Vary.
        Assert.NotNull(get.Headers.ETag);
        Assert.NotEqual(plain.Headers.ETag, get.Headers.ETag);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/dist/app.css");
        request.Headers.TryAddWithoutValidation("Accept-Encoding", "br");
        request.Headers.IfNoneMatch.Add(get.Headers.ETag);
        using var revalidated = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotModified, revalidated.StatusCode);
        Assert.Contains("Accept-Encoding", revalidated.Headers.Vary);
        Assert.Equal(get.Headers.ETag, revalidated.Headers.ETag);
    }

    [Theory]
    [InlineData("/dist/app.js.br")]
    [InlineData("/dist/app.js.gz")]
    public async Task The_copies_are_not_resources_of_their_own(string path)
    {
        var (_, response) = await GetAsync(path, "br, gzip");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Compressed_files_outside_the_bundle_are_not_served()
    {
        // The SDK's publish writes index.html.br beside the page, which is only ever sent with its nonce.
        var name = $"stray-{Guid.NewGuid():N}.html";
        var file = Path.Combine(WebRoot, name + ".br");
        await File.WriteAllBytesAsync(file, [1, 2, 3]);
        try
        {
            var (_, response) = await GetAsync("/" + name + ".br", "br");
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_copy_older_than_its_file_is_not_sent()
    {
        // What `npm run watch` leaves: it rewrites the files, not their copies.
        var name = $"stale-{Guid.NewGuid():N}.js";
        var file = Path.Combine(WebRoot, "dist", name);
        await File.WriteAllTextAsync(file, "console.log('current');\n");
        await File.WriteAllBytesAsync(file + ".br", [1, 2, 3]);
        File.SetLastWriteTimeUtc(file + ".br", DateTime.UtcNow.AddMinutes(-5));
        try
        {
            var (body, response) = await GetAsync("/dist/" + name, "br");
            Assert.Empty(response.Content.Headers.ContentEncoding);
            Assert.Equal(await File.ReadAllBytesAsync(file), body);
        }
        finally
        {
            File.Delete(file);
            File.Delete(file + ".br");
        }
    }

    [Theory]
    [InlineData("/api/courses")]
    [InlineData("/health/live")]
    [InlineData("/")]
    public async Task Api_answers_and_the_page_are_never_compressed(string path)
    {
        var (_, response) = await GetAsync(path, "br, gzip");
        Assert.Empty(response.Content.Headers.ContentEncoding);
    }

    private string WebRoot => platform.Hub.Services.GetRequiredService<IWebHostEnvironment>().WebRootPath;

    private async Task<(byte[] Body, HttpResponseMessage Response)> GetAsync(string path, string? acceptEncoding)
    {
        using var client = platform.Client();
        var response = await SendAsync(client, HttpMethod.Get, path, acceptEncoding);
        return (await response.Content.ReadAsByteArrayAsync(), response);
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, string? acceptEncoding)
    {
        var request = new HttpRequestMessage(method, path);
        if (acceptEncoding is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);
        }

        return client.SendAsync(request);
    }

    private static byte[] Decompress(byte[] body, string coding)
    {
        using var input = new MemoryStream(body);
        using Stream decoder = coding == "br" ? new BrotliStream(input, CompressionMode.Decompress) : new GZipStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        decoder.CopyTo(output);
        return output.ToArray();
    }

    [GeneratedRegex(@"\./chunks/[\w-]+\.js")]
    private static partial Regex ChunkReference();
}
