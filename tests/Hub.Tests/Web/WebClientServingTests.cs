using System.Net;
using LearningPlatform.Hub.Tests.EndToEnd;

namespace LearningPlatform.Hub.Tests.Web;

/// <summary>The Hub serves the client's files and falls back to index.html for page paths only.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class WebClientServingTests(EndToEndFixture fixture)
{
    [Theory]
    [InlineData("/")]
    [InlineData("/signin")]
    [InlineData("/exercises/python-greet")]
    [InlineData("/watch/some-session")]
    public async Task Page_paths_get_index_html(string path)
    {
        using var response = await fixture.Platform.Client().GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("/dist/app.js", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/api/no-such-thing")]
    [InlineData("/hubs/nothing")]
    [InlineData("/openapi/none.json")]
    [InlineData("/jobs")]
    [InlineData("/dist/missing.js")]
    [InlineData("/favicon.ico")]
    public async Task Server_paths_and_missing_files_are_not_swallowed(string path)
    {
        using var response = await fixture.Platform.Client().GetAsync(path);
        Assert.NotEqual("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Hashed_chunks_are_cached_for_good_and_the_entry_revalidated()
    {
        using var client = fixture.Platform.Client();
        using var entry = await client.GetAsync("/dist/app.js");
        Assert.Equal("no-cache", entry.Headers.CacheControl?.ToString());
        var chunk = System.Text.RegularExpressions.Regex.Match(await entry.Content.ReadAsStringAsync(), @"\./chunks/[\w-]+\.js").Value;
        Assert.NotEmpty(chunk);
        using var response = await client.GetAsync("/dist/" + chunk[2..]);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("immutable", response.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_bundle_is_served()
    {
        using var response = await fixture.Platform.Client().GetAsync("/dist/app.js");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/javascript", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/index.html")]
    [InlineData("/signin")]
    [InlineData("/courses/python-foundations")]
    [InlineData("/exercises/python-greet")]
    [InlineData("/teach/python-foundations")]
    [InlineData("/watch/some-session")]
    public async Task Every_page_carries_the_security_headers_and_a_fresh_nonce(string path)
    {
        using var first = await fixture.Platform.Client().GetAsync(path);
        using var second = await fixture.Platform.Client().GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        AssertBrowserHeaders(first);
        var policy = Directives(first);
        Assert.Equal("'self'", policy["default-src"]);
        Assert.Equal("'self'", policy["script-src"]); // no inline script, no eval
        Assert.Equal("'self'", policy["connect-src"]); // REST and the hub's WebSocket, same origin
        Assert.Equal("'self'", policy["worker-src"]); // Monaco's editor worker
        Assert.Equal("'none'", policy["frame-ancestors"]);
        Assert.Equal("'none'", policy["object-src"]);
        Assert.Equal("'none'", policy["base-uri"]);
        Assert.Equal("'unsafe-inline'", policy["style-src-attr"]);
        Assert.DoesNotContain("unsafe-inline", policy["style-src-elem"], StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe", policy["script-src"] + policy["style-src"], StringComparison.Ordinal);

        // The style nonce is new for every response, and the page hands it to its script.
        var nonce = Nonce(policy["style-src-elem"]);
        Assert.NotEqual(nonce, Nonce(Directives(second)["style-src-elem"]));
        Assert.Contains($"<script nonce=\"{nonce}\" type=\"module\" src=\"/dist/app.js\">", await first.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("no-store", first.Headers.CacheControl?.ToString());
        Assert.False(first.Headers.Contains("Strict-Transport-Security")); // plain HTTP on loopback
    }

    [Theory]
    [InlineData("/dist/app.js")]
    [InlineData("/dist/app.css")]
    [InlineData("/dist/editor.worker.js")]
    public async Task The_bundle_and_the_editor_worker_carry_the_headers_too(string path)
    {
        using var response = await fixture.Platform.Client().GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertBrowserHeaders(response);
        // A worker's policy is the one its script comes with.
        Assert.Equal("'self'", Directives(response)["script-src"]);
    }

    [Theory]
    [InlineData("/api/courses")]
    [InlineData("/api/no-such-thing")]
    [InlineData("/health/live")]
    public async Task Api_responses_allow_nothing_to_run(string path)
    {
        using var response = await fixture.Platform.Client().GetAsync(path);

        AssertBrowserHeaders(response);
        Assert.Equal("'none'", Directives(response)["default-src"]);
    }

    private static void AssertBrowserHeaders(HttpResponseMessage response)
    {
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("'none'", Directives(response)["frame-ancestors"]);
    }

    private static Dictionary<string, string> Directives(HttpResponseMessage response) =>
        response.Headers.GetValues("Content-Security-Policy").Single()
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(d => d.Split(' ', 2))
            .ToDictionary(d => d[0], d => d.Length > 1 ? d[1] : "");

    private static string Nonce(string sources) =>
        sources.Split(' ').Single(s => s.StartsWith("'nonce-", StringComparison.Ordinal))["'nonce-".Length..^1];
}
