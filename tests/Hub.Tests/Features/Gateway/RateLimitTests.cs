using System.Net;
using System.Net.Http.Json;

namespace LearningPlatform.Hub.Tests.Features.Gateway;

public sealed class RateLimitTests
{
    [Fact]
    public async Task Auth_endpoints_are_limited_per_address_with_429_and_retry_after()
    {
        using var platform = PlatformFixture.With(new Dictionary<string, string>
        {
            ["Gateway:AuthPermitLimit"] = "3",
            ["Gateway:AuthWindow"] = "00:01:00",
        });
        using var client = platform.Client();

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        for (var i = 0; i < 5; i++)
        {
            last?.Dispose();
            last = await client.PostAsJsonAsync("/api/auth/login", new { email = "nobody@example.com", password = "wrong-password" });
            statuses.Add(last.StatusCode);
        }

        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, statuses.Take(3));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[4]);
        Assert.True(last!.Headers.RetryAfter is not null);
        Assert.Equal("application/problem+json", last.Content.Headers.ContentType?.MediaType);
        last.Dispose();
    }

    [Fact]
    public async Task Cors_preflight_allows_configured_origins_only()
    {
        using var platform = PlatformFixture.With(new Dictionary<string, string>
        {
            ["Gateway:CorsOrigins:0"] = "http://ide.example",
        });
        using var client = platform.Client();

        using var allowed = await client.SendAsync(Preflight("http://ide.example"));
        using var denied = await client.SendAsync(Preflight("http://evil.example"));

        Assert.Equal("http://ide.example", allowed.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.False(denied.Headers.Contains("Access-Control-Allow-Origin"));
    }

    private static HttpRequestMessage Preflight(string origin) => new(HttpMethod.Options, "/api/catalog/courses")
    {
        Headers =
        {
            { "Origin", origin },
            { "Access-Control-Request-Method", "GET" },
            { "Access-Control-Request-Headers", "authorization" },
        },
    };
}
