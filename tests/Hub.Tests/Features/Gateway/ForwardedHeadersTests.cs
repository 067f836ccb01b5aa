using System.Net;
using System.Net.Http.Json;
using Microsoft.Net.Http.Headers;

namespace LearningPlatform.Hub.Tests.Features.Gateway;

/// <summary>
/// The client's address and scheme come from X-Forwarded-For / X-Forwarded-Proto only when the peer is a configured
/// proxy (ForwardedHeaders:KnownProxies / KnownNetworks); by default nobody is, so a spoofed header changes nothing.
/// Seen through what depends on them: the per-address sign-in limit, the refresh cookie's Secure flag and HSTS.
/// </summary>
public sealed class ForwardedHeadersTests
{
    private static readonly Dictionary<string, string> ThreeFailures = new() { ["Gateway:FailedSignInLimit"] = "3" };

    [Theory]
    [InlineData(null)] // the default: no proxy at all
    [InlineData("10.9.8.7")] // a proxy is configured, but the caller is not it
    public async Task Spoofed_forwarded_headers_are_ignored_when_the_peer_is_not_a_configured_proxy(string? proxy)
    {
        var settings = new Dictionary<string, string>(ThreeFailures);
        if (proxy is not null)
        {
            settings["ForwardedHeaders:KnownProxies:0"] = proxy;
        }

        using var platform = PlatformFixture.With(settings);
        var email = (await RateLimitTests.AccountsAsync(platform, 1))[0];
        using var client = Client(platform);

        // Each attempt claims another client address; they all count for the peer, which is the client.
        for (var i = 1; i <= 3; i++)
        {
            using var failed = await SignInAsync(client, email, "wrong-password", forwardedFor: $"203.0.113.{i}");
            Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
        }

        using var refused = await SignInAsync(client, email, "wrong-password", forwardedFor: "198.51.100.77");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);

        // Nor does a claimed https make the response one for HTTPS: no HSTS, no Secure cookie (another Hub, whose
        // sign-in limit this peer has not used up).
        using var fresh = platform.NewHub(new() { ["Gateway:FailedSignInLimit"] = "100" });
        using var freshClient = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = new Uri(PlatformFixture.Address(fresh.Services)) };
        using var plain = await SignInAsync(freshClient, email, Services.Tests.Features.Users.UsersApi.Password, forwardedFor: "203.0.113.9", forwardedProto: "https");
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.False(plain.Headers.Contains(HeaderNames.StrictTransportSecurity));
        Assert.False(RefreshCookie(plain).Secure);
    }

    [Fact]
    public async Task Forwarded_headers_are_honoured_when_the_peer_is_a_configured_proxy()
    {
        using var platform = PlatformFixture.With(new Dictionary<string, string>(ThreeFailures)
        {
            ["ForwardedHeaders:KnownProxies:0"] = "127.0.0.1",
            ["ForwardedHeaders:KnownProxies:1"] = "::1",
        });
        var email = (await RateLimitTests.AccountsAsync(platform, 1))[0];
        using var client = Client(platform);

        // Through the proxy, each client address has a limit of its own.
        for (var i = 0; i < 3; i++)
        {
            using var failed = await SignInAsync(client, email, "wrong-password", forwardedFor: "203.0.113.7");
            Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
        }

        using var refused = await SignInAsync(client, email, "wrong-password", forwardedFor: "203.0.113.7");
        using var otherClient = await SignInAsync(client, email, Services.Tests.Features.Users.UsersApi.Password, forwardedFor: "203.0.113.8", forwardedProto: "https");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, otherClient.StatusCode);

        // The proxy terminated TLS: HSTS goes out, and the refresh cookie is Secure (Services sees the scheme the Hub
        // forwards, believing the Hub on loopback).
        Assert.StartsWith("max-age=", otherClient.Headers.GetValues(HeaderNames.StrictTransportSecurity).Single(), StringComparison.Ordinal);
        Assert.True(RefreshCookie(otherClient).Secure);
    }

    // Cookies are read by hand.
    private static HttpClient Client(PlatformFixture platform) =>
        new(new HttpClientHandler { UseCookies = false }) { BaseAddress = new Uri(PlatformFixture.Address(platform.Hub.Services)) };

    private static Task<HttpResponseMessage> SignInAsync(HttpClient client, string email, string password, string? forwardedFor = null, string? forwardedProto = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/login?useCookies=true")
        {
            Content = JsonContent.Create(new { email, password }),
        };
        // A host name: HSTS is never sent for localhost.
        request.Headers.Host = "learn.example";
        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }

        if (forwardedProto is not null)
        {
            request.Headers.Add("X-Forwarded-Proto", forwardedProto);
        }

        return client.SendAsync(request);
    }

    private static SetCookieHeaderValue RefreshCookie(HttpResponseMessage response) =>
        SetCookieHeaderValue.ParseList(response.Headers.GetValues(HeaderNames.SetCookie).ToList()).Single(c => c.Name == "lp_refresh");
}
